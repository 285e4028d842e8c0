package io.contextlab.switches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contextlab.switches.ProducerConsumer.Delivery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Behaviour of the Java rungs: what they hand over arrives, exactly once, in order. */
class HandoffsTest {
    @Test
    void stacklessGeneratorYieldsZeroToNineThenStops() {
        var generator = new StacklessGenerator.Counter(10);
        for (long i = 0; i < 10; i++) assertEquals(i, generator.next());
        assertEquals(-1, generator.next());
        assertTrue(generator.done());
    }

    @ParameterizedTest
    @CsvSource({"parkUnpark,virtual", "synchronousQueue,virtual", "exchanger,virtual",
                "parkUnpark,platform", "synchronousQueue,platform", "exchanger,platform"})
    void tokenPartnerPassesExactlyNTokens(String protocol, String threads) throws Exception {
        Thread.Builder builder = threads.equals("virtual") ? Thread.ofVirtual() : Thread.ofPlatform();
        TokenPartner partner = TokenPartner.start(protocol, builder, () -> {});
        long[] returned = new long[1];
        Thread ping = builder.start(() -> returned[0] = partner.roundTrips(400) + partner.roundTrips(100));
        ping.join();
        assertEquals(500, returned[0]);
        assertEquals(500, partner.stop());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 64})
    void producerConsumerDeliversEveryItemOnceInOrder(int batch) throws Exception {
        int items = 2000;
        Delivery expected = new Delivery(items, 0);
        assertEquals(expected, ProducerConsumer.coroutines(batch, items), "coroutines");
        assertEquals(expected, ProducerConsumer.threads(Thread.ofVirtual(), batch, items), "virtual threads");
        assertEquals(expected, ProducerConsumer.threads(Thread.ofPlatform(), batch, items), "platform threads");
    }

    @Test
    void continuationYieldsOncePerRun() {
        var bench = new ContinuationYield();
        for (int depth : new int[] {1, 10, 100}) {
            bench.depth = depth;
            bench.create();
            long first = bench.runYield(new AllocationMeter());
            assertEquals(first + 1, bench.runYield(new AllocationMeter()));
            assertEquals(first + 2, bench.runYield(new AllocationMeter()));
        }
    }
}

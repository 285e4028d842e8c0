package io.contextlab.lab.references;

import io.contextlab.lab.references.CrossCheck.Outside;
import io.contextlab.lab.references.CrossCheck.Reference;
import io.contextlab.lab.references.CrossCheck.Spec;
import io.contextlab.platform.Json;
import io.contextlab.platform.SchemaCheck;
import io.contextlab.platform.proc.ProcFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PairedProbes inside a real JMH run (in-process, forks 0, to keep the test short: the profiler
 * does the same in a fork): each measurement iteration carries its probe round's figure, warm-up
 * iterations none, and Pairs turns the iterations into pairs in the seed's order. Counts and
 * labels, never times.
 */
class PairedProbesTest {
    static final String BENCH = "io.contextlab.syscalls.SyscallLoops.clockGettimeVdso";
    static final Spec SPEC = new Spec("a constant beside the vDSO clock", BENCH, Map.of(), CrossCheck.PRIMARY, "ns/op", CrossCheck.TOLERANCE);

    /** A reference whose one probe gives 42 ns/op, and one whose check names another benchmark (never run here). */
    public static final class ConstantReference implements OutsideReference {
        @Override
        public List<Probe> probes() {
            return List.of(new Probe("constant", true, context -> {
                context.log().println("constant probe ran");
                return List.of(new Outside(SPEC, new Reference("constant", "one value", 42, List.of())));
            }), new Probe("elsewhere", context -> {
                context.log().println("elsewhere probe ran");
                return List.of();
            }));
        }
    }

    @Test
    void eachMeasurementIterationCarriesItsProbeRound(@TempDir Path dir) throws Exception {
        long seed = 20261202;
        int k = 4;
        Path log = dir.resolve("references.log");
        Path plan = dir.resolve("plan.json");
        Json.write(plan, new PairedProbes.Plan(ConstantReference.class.getName(), dir.toString(), dir.toString(), log.toString(), seed,
                Map.of("constant", List.of(new PairedProbes.Target(BENCH, Map.of())),
                        "elsewhere", List.of(new PairedProbes.Target("io.contextlab.x.Other.run", Map.of())))));
        System.setProperty("jmh.ignoreLock", "true"); // other JMH runs may share this machine
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(BENCH.replace(".", "\\.") + "$")
                .forks(0)
                .warmupIterations(1).warmupTime(TimeValue.milliseconds(20))
                .measurementIterations(k).measurementTime(TimeValue.milliseconds(20))
                .addProfiler(PairedProbes.class, "plan=" + plan)
                .build()).run();
        String text = Files.readString(log);
        assertEquals(k, text.split("constant probe ran", -1).length - 1, "one round per measurement iteration, none in warm-up: " + text);
        assertTrue(!text.contains("elsewhere probe ran"), "a probe without a target in this fork does not run");
        assertTrue(text.contains("### pair 1 ("), text);

        List<Pairs.Forks> forks = results.stream().map(Pairs::forks).toList();
        CrossCheck c = Pairs.judge("syscalls", seed, Map.of("constant", List.of(new Outside(SPEC,
                new Reference("constant", "one value", 42, List.of())))), forks).getFirst();
        assertEquals(k, c.pairs());
        assertEquals(42.0, c.reference().value());
        assertEquals(Pairs.orders(seed, k), c.pairValues().stream().map(CrossCheck.Pair::order).toList());
        assertTrue(c.pairValues().stream().allMatch(p -> p.measured() != null && p.measured() > 0));
        SchemaCheck.assertValid("crosscheck.v2", Json.toJson(c));
    }

    @Test
    void theBusiestThreadBetweenTwoSnapshotsIsTheWorkerWithItsCpu() {
        ProcFs.Stat idle = new ProcFs.Stat("idle", 'S', 1, 0, 0, 10, 0, 0, 0, 1, 0, 0, 1);
        ProcFs.Stat busyBefore = new ProcFs.Stat("worker", 'R', 1, 0, 0, 100, 5, 0, 0, 1, 0, 0, 0);
        ProcFs.Stat busyAfter = new ProcFs.Stat("worker", 'R', 1, 0, 0, 140, 5, 0, 0, 1, 0, 0, 1);
        ProcFs.Stat born = new ProcFs.Stat("new", 'S', 1, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0);
        var worker = PairedProbes.busiest(Map.of(1L, idle, 2L, busyBefore), Map.of(1L, idle, 2L, busyAfter, 3L, born)).orElseThrow();
        assertEquals(2L, worker.getKey());
        assertEquals(1, worker.getValue().processor());
        assertTrue(PairedProbes.busiest(Map.of(1L, idle), Map.of(1L, idle)).isEmpty(), "no thread ran: no thread");
    }
}

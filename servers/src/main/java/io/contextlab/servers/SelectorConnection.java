package io.contextlab.servers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One connection of the event-loop models as an explicit state machine, driven by readiness
 * callbacks from {@link SelectorLoop}; it never blocks and never runs on another thread.
 *
 * <pre>
 *   READING --(complete head)--> queue response --(all written)--> READING
 *      |                               |
 *      |                               +--(socket buffer full)--> WRITING --(writable, drained)--> READING
 *      +--(EOF, reset, idle deadline)--> CLOSED
 *      +--(malformed, Connection: close: answer written)--> LINGERING --(EOF, deadline)--> CLOSED
 * </pre>
 * Pipelined requests are answered in order; while output is pending, input is not parsed and read
 * interest is dropped, so a client that does not read cannot grow the server's buffers.
 * The idle deadline has the same meaning as in {@link BlockingConnection}: the next request head
 * (or the pending output) must complete before it. A close after a response is a lingering close
 * as in {@link BlockingConnection}: LINGERING shuts the sending side and drops input until the
 * client closes, {@link BlockingConnection#LINGER_BYTES} arrived or the linger deadline passed.
 */
final class SelectorConnection {
    enum State { READING, WRITING, LINGERING, CLOSED }

    private final SocketChannel channel;
    private final SelectionKey key;
    private final long idleNanos;
    private final HttpRequestParser parser = new HttpRequestParser();
    private final byte[] in = new byte[HttpRequestParser.MAX_HEAD];
    private final ByteBuffer inView = ByteBuffer.wrap(in);
    private final ByteBuffer out = ByteBuffer.allocate(16 * 1024);   // write mode between callbacks
    private int start, end, lingered;
    private boolean closeWhenFlushed;
    private State state = State.READING;
    long deadline;

    SelectorConnection(SocketChannel channel, SelectionKey key, long idleNanos, long now) {
        this.channel = channel;
        this.key = key;
        this.idleNanos = idleNanos;
        this.deadline = now + idleNanos;
    }

    void onReadable(long now) {
        if (state == State.LINGERING) {
            drain();
            return;
        }
        int n;
        try {
            inView.limit(in.length).position(end);
            n = channel.read(inView);
        } catch (IOException reset) {
            close();
            return;
        }
        if (n < 0) {
            close();                               // the client left, possibly mid-request
            return;
        }
        end += n;
        process(now);
    }

    void onWritable(long now) {
        flush(now);
        if (state == State.READING && start < end) {
            process(now);                           // pipelined requests waiting behind the output
        }
    }

    /** Answers every complete head in the input buffer, then flushes. */
    private void process(long now) {
        while (state == State.READING && !closeWhenFlushed) {
            int verdict = parser.parse(in, start, end);
            if (verdict == HttpRequestParser.NEED_MORE) {
                if (start > 0) {
                    System.arraycopy(in, start, in, 0, end - start);
                    end -= start;
                    start = 0;
                }
                break;
            }
            byte[] response = verdict == HttpRequestParser.COMPLETE
                    ? HttpResponses.ok(parser.keepAlive(), parser.headOnly())
                    : HttpResponses.error(parser.rejectStatus());
            if (out.remaining() < response.length) {
                flush(now);
                if (state != State.READING || out.remaining() < response.length) {
                    return;                         // resumed from onWritable
                }
            }
            out.put(response);
            if (verdict != HttpRequestParser.COMPLETE || !parser.keepAlive()) {
                closeWhenFlushed = true;
            } else {
                start += parser.headLength();
                deadline = now + idleNanos;
            }
        }
        flush(now);
    }

    private void flush(long now) {
        if (state == State.CLOSED) return;
        if (out.position() > 0) {
            out.flip();
            try {
                channel.write(out);
            } catch (IOException broken) {
                close();
                return;
            } finally {
                out.compact();
            }
        }
        if (out.position() > 0) {
            if (state != State.WRITING) {
                state = State.WRITING;
                key.interestOps(SelectionKey.OP_WRITE);
            }
            deadline = now + idleNanos;             // progress was made, or we just started waiting
        } else if (closeWhenFlushed) {
            linger(now);
        } else if (state != State.READING) {
            state = State.READING;
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void linger(long now) {
        try {
            channel.shutdownOutput();
        } catch (IOException gone) {
            close();
            return;
        }
        state = State.LINGERING;
        deadline = now + Math.min(idleNanos, BlockingConnection.LINGER_MILLIS * 1_000_000L);
        key.interestOps(SelectionKey.OP_READ);
        drain();
    }

    private void drain() {
        try {
            while (true) {
                inView.clear();
                int n = channel.read(inView);
                if (n < 0 || (lingered += n) >= BlockingConnection.LINGER_BYTES) {
                    close();
                    return;
                }
                if (n == 0) return;
            }
        } catch (IOException reset) {
            close();
        }
    }

    void close() {
        if (state == State.CLOSED) return;
        state = State.CLOSED;
        key.cancel();
        try {
            channel.close();
        } catch (IOException ignored) {
            // the descriptor is released either way
        }
    }
}

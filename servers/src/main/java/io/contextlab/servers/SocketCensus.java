package io.contextlab.servers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Counts the server-side connections on a port that have not sent a single byte back yet, from
 * the kernel's own TCP counters ({@code ss -tin}: tcpi_bytes_acked stays 0 until the peer has
 * acknowledged data from us). wrk's statistics only see completed requests, so a connection a
 * bounded model never serves (it waits in an accept queue) is otherwise invisible in a short run.
 * Works the same for every server, nginx included, because it looks at sockets, not processes.
 */
final class SocketCensus {
    private SocketCensus() {}

    /** Established server-side connections on a port, and how many of them never sent a byte. */
    record Count(int connections, int unanswered) {
        static final Count FAILED = new Count(-1, -1);
    }

    /** The census of port now, or {@link Count#FAILED} if ss could not be run. */
    static Count take(int port) {
        try {
            Process ss = new ProcessBuilder("ss", "-H", "-t", "-i", "-n", "state", "established",
                    "( sport = :" + port + " )").redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            if (!ss.waitFor(10, TimeUnit.SECONDS) || ss.exitValue() != 0) return Count.FAILED;
            int connections = 0, answered = 0;
            for (String line : out.split("\n")) {
                if (line.isBlank()) continue;
                if (!Character.isWhitespace(line.charAt(0))) {
                    connections++;                             // the socket line; its info follows
                } else if (ackedBytes(line) > 0) {
                    answered++;
                }
            }
            return new Count(connections, connections - answered);
        } catch (IOException e) {
            return Count.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Count.FAILED;
        }
    }

    private static long ackedBytes(String info) {
        int at = info.indexOf("bytes_acked:");
        if (at < 0) return 0;
        int from = at + "bytes_acked:".length(), to = from;
        while (to < info.length() && Character.isDigit(info.charAt(to))) to++;
        return to > from ? Long.parseLong(info.substring(from, to)) : 0;
    }
}

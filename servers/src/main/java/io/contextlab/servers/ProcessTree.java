package io.contextlab.servers;

import io.contextlab.platform.proc.ProcFs;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a server costs the kernel, read from /proc for the server process and every descendant
 * (fork children, prefork workers, nginx workers): processes, threads, resident memory, open
 * descriptors and context switches.
 *
 * <p>Context switches are the sum over every live task ({@code /proc/<pid>/task/<tid>/status});
 * /proc/<pid>/status alone would give the main thread's. Tasks that exited between two snapshots
 * take their counts with them, which is why the driver takes both snapshots while the load runs
 * (connections, and so their threads and processes, live for the whole point).
 * RSS counts shared pages once per process; PSS (smaps_rollup) divides them among the sharers
 * and is the one to sum over a process tree.
 */
final class ProcessTree {
    record Snapshot(long nanoTime, int processes, int threads, long rssKb, int fds, int sockets,
                    long voluntarySwitches, long involuntarySwitches) {}

    private ProcessTree() {}

    /** A snapshot of root and its descendants. */
    static Snapshot snapshot(long root) {
        List<Long> pids = tree(root);
        int processes = 0, threads = 0, fds = 0, sockets = 0;
        long rss = 0, vol = 0, invol = 0;
        for (long pid : pids) {
            Path proc = ProcFs.dir(pid);
            Map<String, Long> status = ProcFs.status(pid);
            if (status.isEmpty()) continue;                   // exited meanwhile
            processes++;
            threads += status.getOrDefault("Threads", 0L).intValue();
            rss += status.getOrDefault("VmRSS", 0L);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc.resolve("fd"))) {
                for (Path fd : entries) {
                    fds++;
                    if (isSocket(fd)) sockets++;
                }
            } catch (IOException | RuntimeException exited) {
                // the process ended while we read it
            }
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
                for (Path task : tasks) {
                    Map<String, Long> ts = ProcFs.fields(task.resolve("status"));
                    vol += ts.getOrDefault("voluntary_ctxt_switches", 0L);
                    invol += ts.getOrDefault("nonvoluntary_ctxt_switches", 0L);
                }
            } catch (IOException exited) {
                // the process ended while we read it
            }
        }
        return new Snapshot(System.nanoTime(), processes, threads, rss, fds, sockets, vol, invol);
    }

    /**
     * The proportional set size of root and its descendants, in KiB. Separate from the snapshot
     * because smaps_rollup walks every page table: for a thousand fork children it takes longer
     * than the rest of the snapshot together.
     */
    static long pssKb(long root) {
        long pss = 0;
        for (long pid : tree(root)) {
            pss += ProcFs.smapsRollup(pid).getOrDefault("Pss", 0L);
        }
        return pss;
    }

    /**
     * The memory step's reading of root and its descendants: RSS and PSS from one read of each
     * process's smaps_rollup (so the two are of the same moment), threads from its status. A process
     * that exits meanwhile is left out.
     */
    static ServersReport.MemoryReading memory(long root, Long heapKb) {
        long rss = 0, pss = 0;
        int processes = 0, threads = 0;
        for (long pid : tree(root)) {
            Map<String, Long> rollup = ProcFs.smapsRollup(pid);
            Map<String, Long> status = ProcFs.status(pid);
            if (rollup.isEmpty() || status.isEmpty()) continue;          // exited meanwhile
            processes++;
            threads += status.getOrDefault("Threads", 0L).intValue();
            rss += rollup.getOrDefault("Rss", 0L);
            pss += rollup.getOrDefault("Pss", 0L);
        }
        return new ServersReport.MemoryReading(rss, pss, threads, processes, heapKb);
    }

    /**
     * root and every descendant, from the ppid field of each /proc/<pid>/stat. Not
     * ProcessHandle.descendants(): in a sweep it sometimes returned no child of the fork server
     * while 200 children served the load (seen at c=200 and c=500), and the reading here is
     * what the figures rest on.
     */
    static List<Long> tree(long root) {
        java.util.Map<Long, List<Long>> children = new java.util.HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> isNumber(p.getFileName().toString()))) {
            for (Path proc : procs) {
                long ppid = ProcFs.stat(Long.parseLong(proc.getFileName().toString())).map(ProcFs.Stat::ppid).orElse(-1L);
                if (ppid > 0) {
                    children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(Long.parseLong(proc.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            return List.of(root);
        }
        List<Long> pids = new ArrayList<>();
        pids.add(root);
        for (int i = 0; i < pids.size(); i++) {
            pids.addAll(children.getOrDefault(pids.get(i), List.of()));
        }
        return pids;
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) if (!Character.isDigit(s.charAt(i))) return false;
        return true;
    }

    private static boolean isSocket(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString().startsWith("socket:");
        } catch (IOException | RuntimeException closed) {
            return false;
        }
    }
}

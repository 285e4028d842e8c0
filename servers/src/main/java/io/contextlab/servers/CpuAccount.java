package io.contextlab.servers;

import io.contextlab.platform.proc.ProcFs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the machine's CPU time went during a point: the server tree, wrk, the ksoftirqd threads
 * (the loopback TCP stack when softirq work is deferred to them — at hundreds of connections it
 * is a large share, charged to neither side), and everything else. On a machine shared with
 * other work "other" says how far a point was set by neighbours rather than by the model.
 *
 * <p>Sources: /proc/stat's aggregate cpu line (busy = all but idle and iowait; steal separately:
 * time the hypervisor gave our vCPUs to someone else) and /proc/<pid>/stat utime+stime, which
 * for a process includes its exited threads, and cutime+cstime of the server, which include its
 * reaped children (the fork model's connection processes). Units: USER_HZ, 100 per second on
 * Linux whatever the kernel's HZ.
 *
 * <p>Coarse by construction: this kernel accounts CPU time by ticks (CONFIG_TICK_CPU_ACCOUNTING,
 * no IRQ_TIME_ACCOUNTING), i.e. each 10 ms tick charges whoever runs, so a 1 s window is good to
 * a few hundredths of a core per process, and softirq work (the loopback TCP stack) is charged
 * to the task it interrupted — the server or wrk when they send, "other" when ksoftirqd does it.
 * Observed and not explained yet: in one quiet session "other" stayed near 0.1 core for the
 * blocking models (thread, pool, fork, prefork) and near 1 core for the epoll ones (selector,
 * reuseport, virtual, nginx), so it is not a pure measure of neighbours; a candidate is
 * interrupt and softirq work charged to the idle task while the event loops sleep in epoll_wait.
 */
final class CpuAccount {
    static final double USER_HZ = 100.0;

    record Sample(long nanoTime, long machineBusy, long machineSteal, long server, long wrk, long softirqd) {}

    /** CPU use over a window, in cores (1.0 = one CPU busy for the whole window). */
    record Window(double seconds, double serverCores, double wrkCores, double softirqdCores,
                  double machineBusyCores, double otherCores, double stealCores) {}

    /** The ksoftirqd/N kernel threads: where the loopback TCP stack runs when softirqs pile up. */
    private static final List<Long> SOFTIRQD = softirqDaemons();

    private CpuAccount() {}

    static Sample sample(long serverPid, long wrkPid) {
        long now = System.nanoTime();
        long[] machine = machine();
        long[] w = processTicks(wrkPid);
        long softirqd = 0;
        for (long pid : SOFTIRQD) {
            long[] t = processTicks(pid);
            softirqd += t[0] + t[1];
        }
        long server = 0;
        for (long pid : ProcessTree.tree(serverPid)) {
            long[] t = processTicks(pid);
            server += t[0] + t[1];
            if (pid == serverPid) server += t[2] + t[3];     // reaped children (fork model)
        }
        return new Sample(now, machine[0], machine[1], server, w[0] + w[1], softirqd);
    }

    static Window between(Sample a, Sample b) {
        double s = (b.nanoTime() - a.nanoTime()) / 1e9;
        double server = (b.server() - a.server()) / USER_HZ / s;
        double wrk = (b.wrk() - a.wrk()) / USER_HZ / s;
        double busy = (b.machineBusy() - a.machineBusy()) / USER_HZ / s;
        double steal = (b.machineSteal() - a.machineSteal()) / USER_HZ / s;
        double softirqd = (b.softirqd() - a.softirqd()) / USER_HZ / s;
        return new Window(r(s), r(server), r(wrk), r(softirqd), r(busy),
                r(Math.max(0, busy - server - wrk - softirqd)), r(steal));
    }

    private static List<Long> softirqDaemons() {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path proc : procs) {
                if (read(proc.resolve("comm")).startsWith("ksoftirqd/")) {
                    pids.add(Long.parseLong(proc.getFileName().toString()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // none found: softirqd_cores stays 0 and its share shows up in other_cores
        }
        return pids;
    }

    /** {busy, steal} ticks over all CPUs since boot. */
    private static long[] machine() {
        String first = read(Path.of("/proc/stat")).lines().findFirst().orElse("");
        String[] f = first.trim().split("\\s+");   // cpu user nice system idle iowait irq softirq steal ...
        if (f.length < 9 || !f[0].equals("cpu")) return new long[] {0, 0};
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) total += Long.parseLong(f[i]);   // guest is in user
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        long steal = Long.parseLong(f[8]);
        return new long[] {total - idle - steal, steal};
    }

    /** {utime, stime, cutime, cstime} of a process, or zeros if it is gone. */
    private static long[] processTicks(long pid) {
        return ProcFs.stat(pid).map(s -> new long[] {s.utime(), s.stime(), s.cutime(), s.cstime()}).orElse(new long[4]);
    }

    private static String read(Path p) {
        try (var in = Files.newInputStream(p)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException gone) {
            return "";
        }
    }

    private static double r(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}

package io.contextlab.servers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the machine's CPU time went during a point: the server tree, wrk, and everything else.
 * On a machine shared with other work the "other" share says how far a point's throughput was
 * set by neighbours rather than by the model — the figure to filter or flag points by.
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
 */
final class CpuAccount {
    static final double USER_HZ = 100.0;

    record Sample(long nanoTime, long machineBusy, long machineSteal, long server, long wrk) {}

    /** CPU use over a window, in cores (1.0 = one CPU busy for the whole window). */
    record Window(double seconds, double serverCores, double wrkCores, double machineBusyCores,
                  double otherCores, double stealCores) {}

    private CpuAccount() {}

    static Sample sample(long serverPid, long wrkPid) {
        long[] machine = machine();
        long server = 0;
        for (long pid : ProcessTree.tree(serverPid)) {
            long[] t = processTicks(pid);
            server += t[0] + t[1];
            if (pid == serverPid) server += t[2] + t[3];     // reaped children (fork model)
        }
        long[] w = processTicks(wrkPid);
        return new Sample(System.nanoTime(), machine[0], machine[1], server, w[0] + w[1]);
    }

    static Window between(Sample a, Sample b) {
        double s = (b.nanoTime() - a.nanoTime()) / 1e9;
        double server = (b.server() - a.server()) / USER_HZ / s;
        double wrk = (b.wrk() - a.wrk()) / USER_HZ / s;
        double busy = (b.machineBusy() - a.machineBusy()) / USER_HZ / s;
        double steal = (b.machineSteal() - a.machineSteal()) / USER_HZ / s;
        return new Window(r(s), r(server), r(wrk), r(busy), r(Math.max(0, busy - server - wrk)), r(steal));
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
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        int close = stat.lastIndexOf(')');                 // comm may contain spaces and parentheses
        if (close < 0) return new long[4];
        String[] f = stat.substring(close + 2).split(" ");  // f[0] is field 3 (state)
        if (f.length < 15) return new long[4];
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
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

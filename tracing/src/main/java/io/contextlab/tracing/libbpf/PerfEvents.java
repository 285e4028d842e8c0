package io.contextlab.tracing.libbpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * perf_event_open(2) for sampling programs: a software cpu-clock event per online CPU, at a
 * given frequency. Software clock because a VM has no hardware counters; per CPU (pid -1) because
 * a run queue belongs to a CPU, not to a task.
 */
public final class PerfEvents {
    private static final long SYS_PERF_EVENT_OPEN = 298; // x86-64
    private static final int PERF_TYPE_SOFTWARE = 1;
    private static final int PERF_COUNT_SW_CPU_CLOCK = 0;
    private static final int ATTR_SIZE = 128;         // PERF_ATTR_SIZE_VER7; the kernel accepts older sizes
    private static final long FLAG_FREQ = 1L << 10;   // sample_freq, not sample_period
    private static final long PERF_FLAG_FD_CLOEXEC = 1L << 3;

    private PerfEvents() {}

    /** Opens one cpu-clock event per online CPU; the caller owns (closes or hands to a link) each fd. */
    public static List<Integer> openCpuClockPerCpu(int frequencyHz) {
        List<Integer> fds = new ArrayList<>();
        try {
            for (int cpu : onlineCpus()) fds.add(openCpuClock(cpu, frequencyHz));
        } catch (RuntimeException e) {
            fds.forEach(PerfEvents::close);
            throw e;
        }
        return fds;
    }

    /**
     * One cpu-clock event per online CPU at a fixed period in ns (sample_period, not a frequency
     * the kernel adjusts): each sample then stands for the same stretch of time.
     */
    public static List<Integer> openCpuClockPerCpuPeriod(long periodNs) {
        List<Integer> fds = new ArrayList<>();
        try {
            for (int cpu : onlineCpus()) fds.add(open(cpu, periodNs, 0));
        } catch (RuntimeException e) {
            fds.forEach(PerfEvents::close);
            throw e;
        }
        return fds;
    }

    public static int openCpuClock(int cpu, int frequencyHz) {
        return open(cpu, frequencyHz, FLAG_FREQ);
    }

    private static int open(int cpu, long periodOrFrequency, long flags) {
        Libbpf.require();
        long fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);   // zeroed
            attr.set(JAVA_INT, 0, PERF_TYPE_SOFTWARE);
            attr.set(JAVA_INT, 4, ATTR_SIZE);
            attr.set(JAVA_LONG, 8, PERF_COUNT_SW_CPU_CLOCK);
            attr.set(JAVA_LONG, 16, periodOrFrequency);
            attr.set(JAVA_LONG, 40, flags);
            fd = Libbpf.SYSCALL.callE(SYS_PERF_EVENT_OPEN, attr.address(), -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
        }
        if (fd < 0) throw BpfException.of("perf_event_open(cpu-clock, cpu " + cpu + ")", Libbpf.lastErrno());
        return (int) fd;
    }

    public static void close(int fd) {
        Libbpf.closeFd(fd);
    }

    /** /sys/devices/system/cpu/online, e.g. "0-1" or "0,2-3". */
    public static List<Integer> onlineCpus() {
        try {
            String text = Files.readString(Path.of("/sys/devices/system/cpu/online")).trim();
            List<Integer> cpus = new ArrayList<>();
            for (String part : text.split(",")) {
                String[] range = part.split("-");
                int from = Integer.parseInt(range[0]);
                int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                for (int cpu = from; cpu <= to; cpu++) cpus.add(cpu);
            }
            return cpus;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the online CPUs", e);
        }
    }
}

package io.contextlab.lab.references;

import io.contextlab.lab.env.Commands;
import io.contextlab.lab.references.CrossCheck.Outside;
import io.contextlab.lab.references.CrossCheck.Reference;
import io.contextlab.lab.references.CrossCheck.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The epoll suite's outside references:
 * <ul>
 * <li>epoll_ctl (jmh/src/main/c/crosscheck/epoll_ctl.c): epoll_ctl ADD+DEL of a spare eventfd
 *     against 1000 registered ones, against EpollCtl.addDel at n=1000, held to 10 %;</li>
 * <li>scan_loops (scan_loops.c, no code shared with epoll.c or pollselect.c): ns per call of
 *     select over F eventfds (SelectScan.select at fds=F), poll over N (PollScan.poll at n=N),
 *     epoll_wait with one ready of N (PollScan.epollWait at n=N), and ns per level-triggered
 *     harvest of r ready fds of 10,000 registered (EpollWaitLevel.levelTriggered at r,
 *     maxevents=all); each timed once in a single-threaded process (shown, not judged) and once
 *     with an idle second thread (a JMH fork's condition: a shared fd table), held to 10 %, as
 *     syscall_loop's rows in SyscallsReference;</li>
 * <li>herd_wakeups (herd_wakeups.c, no code shared with herd.c): k = 16 waiters in the styles
 *     accept, epollEach and epollExclusive, their wake-ups counted by
 *     {@code perf stat -a -e sched:sched_wakeup} filtered on the waiters' thread name, a run with
 *     100 connections minus a run with none, per connection, against
 *     ThunderingHerd.connectAndCount's kernelWakeupsPerConnection (cpus=all), held to 10 %; in
 *     every round (six short runs, about a second), so its checks have the run's k pairs;</li>
 * <li>perf's own {@code perf bench epoll wait} and {@code ctl}, bounded in threads, fds and
 *     seconds, raw output to references.log only (no row: they measure other shapes), once,
 *     in the host: they take over six seconds and no check reads them.</li>
 * </ul>
 */
public final class EpollReference implements OutsideReference {
    static final String SUITE = "epoll";
    static final List<String> ARGS = List.of("1000", "5000");
    /** scan_loops's figures, one probe each (scan_loops --only FIGURE:VALUE), as the benchmarks' params have them. */
    static final List<String> SCAN_FIGURES = List.of("select:10", "select:900", "poll:10", "poll:1000",
            "epoll_wait_one_ready:10", "epoll_wait_one_ready:1000", "epoll_wait_lt:1", "epoll_wait_lt:100");
    static final List<String> HERD_STYLES = List.of("accept", "epollEach", "epollExclusive");
    static final String HERD_K = "16", HERD_CONNECTIONS = "100";
    static final String WAKEUP = "sched:sched_wakeup";
    /**
     * perf 6.1 options: -t threads, -f fds per thread, -r seconds, -E edge-triggered, -n no CPU
     * affinity. The wait runs use -n: pinned, perf's writer and waiter threads can share a CPU
     * with other load and starve (seen here: 0 ops/s for a whole run).
     */
    static final List<List<String>> PERF_BENCHES = List.of(
            List.of("epoll", "wait", "-n", "-t", "1", "-f", "1000", "-r", "2"),
            List.of("epoll", "wait", "-n", "-t", "1", "-f", "1000", "-r", "2", "-E"),
            List.of("epoll", "ctl", "-t", "1", "-f", "1000", "-r", "2"));

    /** Where perf is (empty: not installed); a test gives its own. */
    private final Supplier<Optional<Path>> perfFinder;
    /** "perf not found" and "perf stat could not count" are said once, not every round. */
    private boolean perfMissingSaid, herdUncountedSaid;

    public EpollReference() {
        this(() -> Commands.onPath("perf"));
    }

    EpollReference(Supplier<Optional<Path>> perfFinder) {
        this.perfFinder = perfFinder;
    }

    @Override
    public List<Probe> probes() {
        List<Probe> probes = new ArrayList<>();
        probes.add(new Probe("epoll_ctl", true, context -> context.builtProgram(SUITE, "epoll_ctl").flatMap(program -> {
            List<String> command = new ArrayList<>(List.of(program.toString()));
            command.addAll(ARGS);
            return context.run(SUITE, Duration.ofMinutes(1), command);
        }).map(out -> context.read(SUITE, "epoll_ctl", out.stdout(), EpollReference::parse)).orElse(List.of())));
        for (String figure : SCAN_FIGURES) {
            probes.add(new Probe("scan_loops " + figure, true, context -> context.builtProgram(SUITE, "scan_loops")
                    .flatMap(program -> context.run(SUITE, Duration.ofMinutes(1), List.of(program.toString(), "--only", figure)))
                    .map(out -> context.read(SUITE, "scan_loops", out.stdout(), EpollReference::parseScanLoops))
                    .orElse(List.of())));
        }
        // the herd in every round: its checks are judged over the pairs like the others
        for (String style : HERD_STYLES) {
            probes.add(new Probe("herd_wakeups " + style, context -> {
                Optional<Path> perf = perf(context);
                Optional<Path> herd = context.builtProgram(SUITE, "herd_wakeups");
                if (perf.isEmpty() || herd.isEmpty()) return List.of();
                return herdWakeups(context, perf.get().toString(), herd.get().toString(), style).map(List::of).orElse(List.of());
            }));
        }
        return probes;
    }

    /**
     * perf bench epoll once, in the host after the first round of the probes: 3 runs of 2 s and
     * more each, raw output for the reader, no check reads them.
     */
    @Override
    public void once(ReferenceContext context) {
        Optional<Path> perf = perf(context);
        if (perf.isEmpty()) return;
        for (List<String> bench : PERF_BENCHES) {
            List<String> command = new ArrayList<>(List.of(perf.get().toString(), "bench"));
            command.addAll(bench);
            context.run(SUITE, Duration.ofSeconds(30), command);
        }
    }

    private Optional<Path> perf(ReferenceContext context) {
        Optional<Path> perf = perfFinder.get();
        if (perf.isEmpty() && !perfMissingSaid) {
            context.say(SUITE, "perf not found (Debian package linux-perf): no herd or perf bench epoll output");
            perfMissingSaid = true;
        }
        return perf;
    }

    static List<Outside> parse(String stdout) {
        return ProgramOutput.parse(stdout).stream().map(line -> {
            String n = line.setting("n");
            Spec spec = new Spec("epoll_ctl ADD+DEL, N=" + n, "io.contextlab.epoll.EpollCtl.addDel", Map.of("n", n),
                    CrossCheck.PRIMARY, line.unit(), CrossCheck.TOLERANCE);
            return new Outside(spec, new Reference("epoll_ctl " + String.join(" ", ARGS),
                    "mean of " + line.samples().size() + " rounds of " + line.setting("pairs") + " ADD+DEL pairs",
                    line.mean(), line.samples()));
        }).toList();
    }

    /**
     * Why a single-threaded scan_loops row is shown, not judged (the record's note): the kernel's
     * fdget takes its lockless path only while no other thread shares the fd table (see
     * syscall_loop's rows in SyscallsReference); poll and select fdget every watched fd on every
     * call, epoll_wait only the epoll fd. A JMH fork is never single-threaded.
     */
    static final String SCAN_SINGLE_THREADED = "scan_loops in a single-threaded process: with no other"
            + " thread sharing the fd table, the kernel's fdget skips taking and dropping a reference (two atomic"
            + " operations) on each fd a call watches, every fd for poll and select, on every call (epoll_wait: the"
            + " epoll fd alone); a JMH fork is never single-threaded, so the judged row is scan_loops with an idle"
            + " second thread";
    /**
     * What the judged poll and select rows are (their note, shown after the verdict's reason when
     * they do not agree): the C loop with an idle second thread, so both sides count references.
     */
    static final String SCAN_TWO_THREADS = "nothing known: this row is scan_loops with an idle second"
            + " thread, so, as in a JMH fork, the fd table is shared and fdget takes and drops a reference on every fd"
            + " poll or select watches, on every call; the single-threaded row beside it (shown, not judged) skips that";

    /** scan_loops's lines, each against the benchmark and params it times; threads=2 judged, threads=1 shown. */
    static List<Outside> parseScanLoops(String stdout) {
        return ProgramOutput.parse(stdout).stream().map(line -> {
            String threads = line.setting("threads");
            if (!threads.equals("1") && !threads.equals("2")) {
                throw new IllegalArgumentException("scan_loops printed threads=" + threads + " (1 or 2 expected): " + line.name());
            }
            boolean judged = threads.equals("2");
            String kind = judged ? ", C loop with an idle second thread" : ", single-threaded C loop";
            Double tolerance = judged ? CrossCheck.TOLERANCE : null;
            String scanNote = judged ? SCAN_TWO_THREADS : SCAN_SINGLE_THREADED;
            String waitNote = judged ? null : SCAN_SINGLE_THREADED;
            Spec spec = switch (line.name()) {
                case "select" -> new Spec("select over " + line.setting("fds") + " eventfds, one ready" + kind,
                        "io.contextlab.epoll.SelectScan.select", Map.of("fds", line.setting("fds")), CrossCheck.PRIMARY, line.unit(),
                        tolerance, scanNote);
                case "poll" -> new Spec("poll over " + line.setting("n") + " eventfds, one ready" + kind,
                        "io.contextlab.epoll.PollScan.poll", Map.of("n", line.setting("n")), CrossCheck.PRIMARY, line.unit(),
                        tolerance, scanNote);
                case "epoll_wait_one_ready" -> new Spec("epoll_wait, one ready of " + line.setting("n") + kind,
                        "io.contextlab.epoll.PollScan.epollWait", Map.of("n", line.setting("n")), CrossCheck.PRIMARY, line.unit(),
                        tolerance, waitNote);
                case "epoll_wait_lt" -> new Spec("epoll_wait harvest of " + line.setting("r") + " ready of 10000, level-triggered" + kind,
                        "io.contextlab.epoll.EpollWaitLevel.levelTriggered",
                        Map.of("r", line.setting("r"), "maxevents", "all", "registered", "10000"), CrossCheck.PRIMARY, line.unit(),
                        tolerance, waitNote);
                default -> throw new IllegalArgumentException("scan_loops printed an unknown figure: " + line.name());
            };
            String setting = line.setting(line.name().equals("select") ? "fds" : line.name().equals("epoll_wait_lt") ? "r" : "n");
            return new Outside(spec, new Reference("scan_loops --only " + line.name() + ":" + setting, "mean of " + line.samples().size() + " rounds of "
                    + line.setting("calls") + " calls", line.mean(), line.samples()));
        }).toList();
    }

    /** The herd's waiter wake-ups per connection in one style: perf stat over HERD_CONNECTIONS connections and over none. */
    private Optional<Outside> herdWakeups(ReferenceContext context, String perf, String herd, String style) {
        List<Long> counts = new ArrayList<>();
        for (String n : List.of(HERD_CONNECTIONS, "0")) {
            List<String> command = List.of(perf, "stat", "-a", "-x,", "-e", WAKEUP, "--filter", "comm == \"herd_waiter\"",
                    herd, style, HERD_K, n);
            Optional<Commands.Output> out = context.run(SUITE, Duration.ofSeconds(30), command);
            OptionalLong count = out.map(o -> SwitchesReference.eventCount(o.stderr(), WAKEUP)).orElse(OptionalLong.empty());
            if (count.isEmpty()) {
                String line = "perf stat could not count " + WAKEUP + " (root or CAP_PERFMON, tracefs?): no herd row for " + style;
                if (herdUncountedSaid) context.log().println(SUITE + " reference: " + line);  // said once; each round's in the log
                else context.say(SUITE, line);
                herdUncountedSaid = true;
                return Optional.empty();
            }
            counts.add(count.getAsLong());
        }
        return Optional.of(herdCheck(style, counts.get(0), counts.get(1)));
    }

    static Outside herdCheck(String style, long withConnections, long without) {
        Spec spec = new Spec("herd wake-ups per connection, " + style + ", k=" + HERD_K + ", C program under perf stat",
                "io.contextlab.epoll.ThunderingHerd.connectAndCount", Map.of("style", style, "k", HERD_K, "cpus", "all"),
                "kernelWakeupsPerConnection", "wakeups/connection", CrossCheck.TOLERANCE);
        double perConnection = (double) (withConnections - without) / Long.parseLong(HERD_CONNECTIONS);
        return new Outside(spec, new Reference("perf stat -a -e " + WAKEUP + " --filter 'comm == \"herd_waiter\"' herd_wakeups "
                + style + " " + HERD_K + " " + HERD_CONNECTIONS + " (and 0)",
                "(" + withConnections + " - " + without + ") waiter wake-ups / " + HERD_CONNECTIONS + " connections", perConnection, List.of()));
    }
}

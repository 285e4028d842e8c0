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
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The switch suite's outside references.
 *
 * <p>{@code perf bench sched pipe} (perf's own pipe ping-pong, processes by default, threads with
 * -T) under the same pinning as NativePingPong's pipe variants, held to 10 %. perf times its
 * whole run, the start and exit of its worker included (for processes a fork, an exit and a
 * wait: several milliseconds here, which made a 2,000 round-trip run across CPUs read an eighth
 * dearer than the JMH figure); each figure is therefore the slope between two runs, at n and 3n
 * round trips.
 * Same CPU: {@code taskset -c 0} (both tasks on CPU 0, like cpus=same). Two CPUs: perf's first
 * task on CPU 0 and the task it creates on CPU 1, like cpus=two; taskset cannot express that (it
 * gives every task the same set), so pin_children (jmh/src/main/c/crosscheck/pin_children.c)
 * pins each new task before it runs. Units: perf reports usecs/op where one op is a round trip;
 * the JMH benchmark reports ns per one-way pass, so ns/op = usecs/op * 1000 / 2.
 *
 * <p>The ucontext rung outside JMH: swapcontext_loop (swapcontext_loop.c) timed by itself against
 * NativeCoroutines.ucontextSwapcontext; and its rt_sigprocmask calls counted by {@code perf stat}
 * on the syscall tracepoint (a run with n round trips minus a run with none) against the
 * rtSigprocmaskPerSwitch metric. The time comes from a run without perf: an enabled syscall
 * tracepoint slows every syscall.
 *
 * <p>The other native rungs of NativeCoroutines, each written again stand-alone in switch_loops
 * (switch_loops.c and its switch_loops.S; no code shared with the library): _setjmp/_longjmp,
 * sigsetjmp/siglongjmp saving the mask, the assembly switch resuming by ret and by pop + jmp,
 * and the switch-case generator; ns per one-way switch (a generator resume counts two, as in
 * the benchmark), held to 10 %.
 *
 * <p>Each check is its own probe (one pipe setting, one mechanism), run beside its benchmark.
 */
public final class SwitchesReference implements OutsideReference {
    static final String SUITE = "switches";
    /** perf bench runs per round of a pipe probe (one: the pairs give the repetitions). */
    static final int ROUNDS = 1;
    /** Round trips per round of swapcontext_loop (11 rounds; two rt_sigprocmask calls a switch make it slow). */
    static final String ROUND_TRIPS = "10000";
    static final String EVENT = "syscalls:sys_enter_rt_sigprocmask";
    /**
     * switch_loops's round trips per round, per mechanism: the faster the switch, the more, so that
     * every round spans a comparable stretch of time (a round of the fastest rung at the count of
     * the slowest spanned a few tens of microseconds, and its rounds scattered far more than the JMH
     * iterations they were paired with). sigsetjmp_mask does a tenth of its count (two syscalls a switch).
     */
    static final Map<String, String> LOOP_ROUND_TRIPS = Map.of(
            "setjmp", "100000", "sigsetjmp_mask", "20000", "asm_ret", "100000", "asm_jmp", "100000", "generator", "400000");
    private static final String NATIVE = "io.contextlab.switches.NativeCoroutines.";
    /** switch_loops's name of each mechanism: its NativeCoroutines benchmark and its label. */
    private static final Map<String, String[]> RUNGS = Map.of(
            "setjmp", new String[] {"setjmpLongjmp", "_setjmp/_longjmp stand-alone C loop"},
            "sigsetjmp_mask", new String[] {"sigsetjmpSavingMask", "sigsetjmp/siglongjmp saving the mask, stand-alone C loop"},
            "asm_ret", new String[] {"asmSwitch", "assembly switch resuming by ret, stand-alone C loop"},
            "asm_jmp", new String[] {"asmSwitchViaIndirectJmp", "assembly switch resuming by pop + jmp, stand-alone C loop"},
            "generator", new String[] {"switchCaseGenerator", "switch-case generator, stand-alone C loop"});
    private static final List<String> RUNG_ORDER = List.of("setjmp", "sigsetjmp_mask", "asm_ret", "asm_jmp", "generator");
    private static final String PING_PONG = "io.contextlab.switches.NativePingPong.pingPong";
    private static final String UCONTEXT = "io.contextlab.switches.NativeCoroutines.ucontextSwapcontext";
    private static final Duration PERF_TIMEOUT = Duration.ofSeconds(60);

    @Override
    public List<Probe> probes() {
        List<Probe> probes = new ArrayList<>();
        // Same-CPU round trips take microseconds, cross-CPU ones tens of microseconds: loop counts
        // keep each probe (two perf runs, n and 3n round trips) to a fraction of a second; same-CPU
        // round trips cost several times more on some hosts than on others, hence 3,000, not more.
        probes.add(new Probe("perf bench sched pipe, same CPU", context -> samePipe(context, "perf bench sched pipe, processes, same CPU",
                "PIPE_PROCESSES", List.of("bench", "sched", "pipe"), 3000)));
        probes.add(new Probe("perf bench sched pipe -T, same CPU", context -> samePipe(context, "perf bench sched pipe -T, threads, same CPU",
                "PIPE_THREADS", List.of("bench", "sched", "pipe", "-T"), 3000)));
        probes.add(new Probe("perf bench sched pipe, CPUs 0 and 1", context -> twoPipe(context, "perf bench sched pipe, processes, CPUs 0 and 1",
                "PIPE_PROCESSES", "1", List.of("bench", "sched", "pipe"), 1000)));
        probes.add(new Probe("perf bench sched pipe -T, CPUs 0 and 1", context -> twoPipe(context, "perf bench sched pipe -T, threads, CPUs 0 and 1",
                "PIPE_THREADS", "0,1", List.of("bench", "sched", "pipe", "-T"), 1000)));
        probes.add(new Probe("swapcontext_loop", true, context -> context.builtProgram(SUITE, "swapcontext_loop")
                .flatMap(loop -> context.run(SUITE, Duration.ofMinutes(1), List.of(loop.toString(), ROUND_TRIPS)))
                .map(out -> context.read(SUITE, "swapcontext_loop", out.stdout(), text -> List.of(parseSwapcontext(text))))
                .orElse(List.of())));
        probes.add(new Probe("perf stat rt_sigprocmask swapcontext_loop", context -> {
            Optional<Path> perf = perf(context);
            Optional<Path> loop = context.builtProgram(SUITE, "swapcontext_loop");
            if (perf.isEmpty() || loop.isEmpty()) return List.of();
            return sigprocmaskPerSwitch(context, perf.get().toString(), loop.get().toString()).map(List::of).orElse(List.of());
        }));
        for (String mechanism : RUNG_ORDER) {
            probes.add(new Probe("switch_loops " + mechanism, true, context -> context.builtProgram(SUITE, "switch_loops")
                    .flatMap(loops -> context.run(SUITE, Duration.ofMinutes(1), List.of(loops.toString(), LOOP_ROUND_TRIPS.get(mechanism), mechanism)))
                    .map(out -> context.read(SUITE, "switch_loops", out.stdout(), SwitchesReference::parseSwitchLoops))
                    .orElse(List.of())));
        }
        return probes;
    }

    private static Optional<Path> perf(ReferenceContext context) {
        Optional<Path> perf = Commands.onPath("perf");
        if (perf.isEmpty()) context.say(SUITE, "perf not found (Debian package linux-perf): no perf bench or perf stat rows");
        return perf;
    }

    /** A perf bench sched pipe check with both tasks on CPU 0 (taskset -c 0, like cpus=same). */
    private static List<Outside> samePipe(ReferenceContext context, String check, String kind, List<String> perfArgs, int loops) {
        Optional<Path> perf = perf(context);
        if (perf.isEmpty()) return List.of();
        Optional<Path> taskset = Commands.onPath("taskset");
        if (taskset.isEmpty()) {
            context.say(SUITE, "taskset not found (Debian package util-linux): no same-CPU perf bench rows");
            return List.of();
        }
        List<String> command = new ArrayList<>(List.of(taskset.get().toString(), "-c", "0", perf.get().toString()));
        command.addAll(perfArgs);
        return pipe(context, check, kind, "same", command, loops).map(List::of).orElse(List.of());
    }

    /**
     * A perf bench sched pipe check with perf's first task on CPU 0 and the task it creates on
     * {@code childCpus}, like cpus=two: taskset cannot express that (it gives every task the same
     * set), so pin_children pins each new task before it runs.
     */
    private static List<Outside> twoPipe(ReferenceContext context, String check, String kind, String childCpus, List<String> perfArgs,
                                         int loops) {
        Optional<Path> perf = perf(context);
        Optional<Path> pin = context.builtProgram(SUITE, "pin_children");
        if (perf.isEmpty() || pin.isEmpty()) return List.of();
        List<String> command = new ArrayList<>(List.of(pin.get().toString(), "0", childCpus, "--", perf.get().toString()));
        command.addAll(perfArgs);
        return pipe(context, check, kind, "two", command, loops).map(List::of).orElse(List.of());
    }

    /**
     * ROUNDS figures of a perf bench sched pipe command, each from two runs, at {@code loops} and
     * at three times as many round trips: perf's total time includes creating and reaping its
     * worker (for processes, a fork and an exit: several milliseconds here, an eighth of a 2,000
     * round-trip run across CPUs), and the difference of the two runs' totals over the difference
     * of their round trips leaves it out. Empty (after one line) when a run gives no usecs/op.
     */
    private static Optional<Outside> pipe(ReferenceContext context, String check, String kind, String cpus, List<String> command,
                                          int loops) {
        List<Double> nsPerPass = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
            double[] totalUsecs = new double[2];
            int[] counts = {loops, 3 * loops};
            for (int i = 0; i < 2; i++) {
                List<String> run = new ArrayList<>(command);
                run.addAll(List.of("-l", Integer.toString(counts[i])));
                Optional<Commands.Output> out = context.run(SUITE, PERF_TIMEOUT, run);
                if (out.isEmpty()) return Optional.empty();
                OptionalDouble usecs = context.read(SUITE, "perf bench sched pipe", out.get().stdout(), text -> {
                    OptionalDouble u = usecsPerOp(text);
                    return u.isPresent() ? List.of(u.getAsDouble()) : List.<Double>of();
                }).stream().mapToDouble(Double::doubleValue).findFirst();
                if (usecs.isEmpty()) {
                    context.say(SUITE, "no usecs/op from " + ReferenceContext.shown(run) + ": no row");
                    return Optional.empty();
                }
                totalUsecs[i] = usecs.getAsDouble() * counts[i];
            }
            nsPerPass.add(perPass(totalUsecs[0], counts[0], totalUsecs[1], counts[1]));
        }
        return Optional.of(pipeCheck(check, kind, cpus, ReferenceContext.shown(command) + " -l " + loops + " (and " + 3 * loops + ")",
                nsPerPass));
    }

    /** ns per one-way pass from two runs' total times (us) and round trips: the slope, halved (a round trip is two passes). */
    static double perPass(double totalUsecsA, int roundTripsA, double totalUsecsB, int roundTripsB) {
        return (totalUsecsB - totalUsecsA) / (roundTripsB - roundTripsA) * 1000 / 2;
    }

    static Outside pipeCheck(String check, String kind, String cpus, String command, List<Double> nsPerPass) {
        Spec spec = new Spec(check, PING_PONG, Map.of("cpus", cpus, "kind", kind), CrossCheck.PRIMARY, "ns/op", CrossCheck.TOLERANCE);
        return new Outside(spec, new Reference(command, "mean of " + nsPerPass.size()
                + " figure(s), each the slope between two runs' total times (perf's own worker start and exit left out);"
                + " a round trip is two one-way passes",
                nsPerPass.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN), nsPerPass));
    }

    /** The "usecs/op" figure of perf bench sched pipe's output. */
    static OptionalDouble usecsPerOp(String perfOutput) {
        for (String line : perfOutput.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 2 && f[1].equals("usecs/op")) return OptionalDouble.of(Double.parseDouble(f[0]));
        }
        return OptionalDouble.empty();
    }

    /** swapcontext_loop's line: ns per one-way switch, against the benchmark's ns/op (one op = one switch). */
    static Outside parseSwapcontext(String stdout) {
        ProgramOutput line = ProgramOutput.parse(stdout).getFirst();
        Spec spec = new Spec("swapcontext stand-alone C loop", UCONTEXT, Map.of(), CrossCheck.PRIMARY, "ns/op", CrossCheck.TOLERANCE);
        return new Outside(spec, new Reference("swapcontext_loop " + ROUND_TRIPS, "mean of " + line.samples().size()
                + " rounds of " + ROUND_TRIPS + " round trips, ns per one-way switch", line.mean(), line.samples()));
    }

    /** switch_loops's lines: ns per one-way switch of each mechanism, against its NativeCoroutines rung. */
    static List<Outside> parseSwitchLoops(String stdout) {
        return ProgramOutput.parse(stdout).stream().map(line -> {
            String[] rung = RUNGS.get(line.name());
            if (rung == null) throw new IllegalArgumentException("switch_loops printed an unknown mechanism: " + line.name());
            Spec spec = new Spec(rung[1], NATIVE + rung[0], Map.of(), CrossCheck.PRIMARY, "ns/op", CrossCheck.TOLERANCE);
            return new Outside(spec, new Reference("switch_loops " + LOOP_ROUND_TRIPS.get(line.name()) + " " + line.name(), "mean of " + line.samples().size()
                    + " rounds of " + line.setting("round_trips") + " round trips, ns per one-way switch", line.mean(), line.samples()));
        }).toList();
    }

    /** perf stat's count of rt_sigprocmask calls per switch, from a run with ROUND_TRIPS and one with none. */
    private static Optional<Outside> sigprocmaskPerSwitch(ReferenceContext context, String perf, String loop) {
        Optional<Commands.Output> with = context.run(SUITE, Duration.ofMinutes(2), List.of(perf, "stat", "-x,", "-e", EVENT, loop, ROUND_TRIPS));
        Optional<Commands.Output> without = with.isEmpty() ? Optional.empty()
                : context.run(SUITE, Duration.ofMinutes(1), List.of(perf, "stat", "-x,", "-e", EVENT, loop, "0"));
        OptionalLong a = with.map(o -> eventCount(o.stderr())).orElse(OptionalLong.empty());
        OptionalLong b = without.map(o -> eventCount(o.stderr())).orElse(OptionalLong.empty());
        long roundTrips = with.map(o -> context.read(SUITE, "swapcontext_loop", o.stdout(),
                text -> List.of(Long.parseLong(ProgramOutput.parse(text).getFirst().setting("round_trips")))))
                .flatMap(l -> l.stream().findFirst()).orElse(0L);
        if (a.isEmpty() || b.isEmpty() || roundTrips <= 0) {
            context.say(SUITE, "perf stat could not count " + EVENT + " (tracefs mounted? root or CAP_PERFMON?): no rt_sigprocmask row");
            return Optional.empty();
        }
        return Optional.of(sigprocmaskCheck(a.getAsLong(), b.getAsLong(), roundTrips));
    }

    static Outside sigprocmaskCheck(long withLoop, long withoutLoop, long roundTrips) {
        Spec spec = new Spec("rt_sigprocmask per swapcontext, perf stat", UCONTEXT, Map.of(), "rtSigprocmaskPerSwitch",
                "syscalls/switch", CrossCheck.TOLERANCE);
        double perSwitch = (double) (withLoop - withoutLoop) / (2 * roundTrips);
        return new Outside(spec, new Reference("perf stat -x, -e " + EVENT + " swapcontext_loop " + ROUND_TRIPS + " (and 0)",
                "(" + withLoop + " - " + withoutLoop + ") calls / " + 2 * roundTrips + " switches", perSwitch, List.of()));
    }

    /** The count of EVENT in perf stat -x, output ("count,unit,event,..."); empty when not counted. */
    static OptionalLong eventCount(String perfStat) {
        return eventCount(perfStat, EVENT);
    }

    /** The count of {@code event} in perf stat -x, output; empty when not counted. */
    static OptionalLong eventCount(String perfStat, String event) {
        for (String line : perfStat.split("\n")) {
            String[] f = line.split(",", -1);
            if (f.length >= 3 && f[2].equals(event)) {
                try {
                    return OptionalLong.of(Long.parseLong(f[0].strip()));
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();  // "<not counted>", "<not supported>"
                }
            }
        }
        return OptionalLong.empty();
    }
}

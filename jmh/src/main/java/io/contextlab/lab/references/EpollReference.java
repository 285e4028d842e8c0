package io.contextlab.lab.references;

import io.contextlab.lab.env.Commands;
import io.contextlab.lab.references.CrossCheck.Outside;
import io.contextlab.lab.references.CrossCheck.Reference;
import io.contextlab.lab.references.CrossCheck.Spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The epoll suite's outside references:
 * <ul>
 * <li>epoll_ctl (jmh/src/main/c/crosscheck/epoll_ctl.c): epoll_ctl ADD+DEL of a spare eventfd
 *     against 1000 registered ones, against EpollCtl.addDel at n=1000, held to 15 %;</li>
 * <li>perf's own {@code perf bench epoll wait} and {@code ctl}, bounded in threads, fds and
 *     seconds, raw output to references.log only (no row: they measure other shapes).</li>
 * </ul>
 */
public final class EpollReference implements OutsideReference {
    static final String SUITE = "epoll";
    static final List<String> ARGS = List.of("1000", "100000");
    /**
     * perf 6.1 options: -t threads, -f fds per thread, -r seconds, -E edge-triggered, -n no CPU
     * affinity. The wait runs use -n: pinned, perf's writer and waiter threads can share a CPU
     * with other load and starve (seen here: 0 ops/s for a whole run).
     */
    static final List<List<String>> PERF_BENCHES = List.of(
            List.of("epoll", "wait", "-n", "-t", "1", "-f", "1000", "-r", "2"),
            List.of("epoll", "wait", "-n", "-t", "1", "-f", "1000", "-r", "2", "-E"),
            List.of("epoll", "ctl", "-t", "1", "-f", "1000", "-r", "2"));

    @Override
    public List<CrossCheck> run(ReferenceContext context) {
        return CrossCheck.joinAll(SUITE, measure(context), context);
    }

    @Override
    public List<Outside> measure(ReferenceContext context) {
        List<Outside> checks = new ArrayList<>();
        context.builtProgram(SUITE, "epoll_ctl").ifPresent(program -> {
            List<String> command = new ArrayList<>(List.of(program.toString()));
            command.addAll(ARGS);
            context.run(SUITE, Duration.ofMinutes(2), command)
                    .ifPresent(out -> checks.addAll(context.read(SUITE, "epoll_ctl", out.stdout(), EpollReference::parse)));
        });
        var perf = Commands.onPath("perf");
        if (perf.isEmpty()) {
            context.say(SUITE, "perf not found (Debian package linux-perf): no perf bench epoll output");
            return checks;
        }
        for (List<String> bench : PERF_BENCHES) {
            List<String> command = new ArrayList<>(List.of(perf.get().toString(), "bench"));
            command.addAll(bench);
            context.run(SUITE, Duration.ofSeconds(30), command);
        }
        return checks;
    }

    static List<Outside> parse(String stdout) {
        return ProgramOutput.parse(stdout).stream().map(line -> {
            String n = line.setting("n");
            Spec spec = new Spec("epoll_ctl ADD+DEL, N=" + n, "io.contextlab.epoll.EpollCtl.addDel", Map.of("n", n),
                    CrossCheck.PRIMARY, line.unit(), 0.15);
            return new Outside(spec, new Reference("epoll_ctl " + String.join(" ", ARGS),
                    "median of " + line.samples().size() + " rounds of " + line.setting("pairs") + " ADD+DEL pairs",
                    line.median(), line.samples()));
        }).toList();
    }
}

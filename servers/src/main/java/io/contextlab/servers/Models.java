package io.contextlab.servers;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Every server `lab servers` drives, by the name used on the command line and in servers.json. */
enum Models {
    THREAD(Kind.JAVA, "platform thread per connection"),
    POOL(Kind.JAVA, "bounded pool of N platform threads; a connection holds one for its life"),
    FORK(Kind.C, "fork per connection (C)"),
    PREFORK(Kind.C, "N prefork processes, one SO_REUSEPORT listener each, one connection at a time (C)"),
    SELECTOR(Kind.JAVA, "one NIO Selector thread: callbacks and a per-connection state machine"),
    REUSEPORT(Kind.JAVA, "one Selector loop per core, each with its own SO_REUSEPORT listener"),
    VIRTUAL(Kind.JAVA, "virtual thread per connection (blocking code, JDK poller underneath)"),
    ST(Kind.JAVA, "one State Threads runtime on one OS thread: a coroutine per connection over epoll"),
    ST_REUSEPORT(Kind.JAVA, "one State Threads runtime per core, each with its own SO_REUSEPORT listener"),
    URING(Kind.C, "one io_uring loop: multishot accept, multishot receive into provided buffers, completions not readiness (C)"),
    NGINX(Kind.REFERENCE, "nginx (Debian), one worker per core, reuseport: the outside reference"),
    // The first article's experiment as a 2x2: its Python program's thread and fork modes, and
    // the same two modes in C (fork_server --mode), one request per connection as in its tables.
    PY_THREAD(Kind.PYTHON, "the standard library's http.server with ThreadingMixIn: a thread per connection (Python)"),
    PY_FORK(Kind.PYTHON, "the standard library's http.server with ForkingMixIn: a process per connection, at most 40 at once (Python)"),
    C_THREAD(Kind.C, "a detached pthread per connection, fork_server's accept loop and request handling (C)"),
    C_FORK(Kind.C, "a process per connection, fork_server in its default mode (C)");

    enum Kind { JAVA, C, PYTHON, REFERENCE }

    /** The article's 2x2 (py/c x thread/fork): swept with Connection: close at the article's points. */
    boolean article() {
        return this == PY_THREAD || this == PY_FORK || this == C_THREAD || this == C_FORK;
    }

    /** The program of a C model in the native directory. */
    String binary() {
        return switch (this) {
            case C_THREAD, C_FORK -> "fork_server";
            default -> id() + "_server";
        };
    }

    /** The --mode of the article models' programs, or null. */
    String mode() {
        return switch (this) {
            case PY_THREAD, C_THREAD -> "thread";
            case PY_FORK, C_FORK -> "fork";
            default -> null;
        };
    }

    final Kind kind;
    final String description;

    Models(Kind kind, String description) {
        this.kind = kind;
        this.description = description;
    }

    String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Models whose `workers` is the number of event loops, one per core by default. */
    boolean loopPerCore() {
        return this == REUSEPORT || this == ST_REUSEPORT;
    }

    /** The model in this JVM; only for Kind.JAVA. */
    ServerModel create(ServerConfig config) {
        return switch (this) {
            case THREAD -> new ThreadPerConnectionServer(config);
            case POOL -> new BoundedPoolServer(config);
            case SELECTOR -> new SelectorServer(config);
            case REUSEPORT -> new ReusePortSelectorServer(config);
            case VIRTUAL -> new VirtualThreadServer(config);
            case ST -> new StServer(config, 1);
            case ST_REUSEPORT -> new StServer(config, config.workers());
            case FORK, PREFORK, URING, NGINX, PY_THREAD, PY_FORK, C_THREAD, C_FORK -> throw new IllegalArgumentException(
                    id() + " is not a Java model: the driver starts it as its own program");
        };
    }

    static Models byId(String id) {
        for (Models m : values()) {
            if (m.id().equals(id)) return m;
        }
        throw new IllegalArgumentException("unknown model '" + id + "' (known: " + ids(List.of(values())) + ")");
    }

    static String ids(List<Models> models) {
        return models.stream().map(Models::id).collect(Collectors.joining(","));
    }

    static List<Models> all() {
        return Arrays.asList(values());
    }
}

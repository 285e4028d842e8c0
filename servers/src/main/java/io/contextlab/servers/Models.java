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
    NGINX(Kind.REFERENCE, "nginx (Debian), one worker per core, reuseport: the outside reference");

    enum Kind { JAVA, C, REFERENCE }

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
            case FORK, PREFORK, URING, NGINX -> throw new IllegalArgumentException(
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

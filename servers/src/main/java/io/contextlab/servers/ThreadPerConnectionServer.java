package io.contextlab.servers;

import java.util.concurrent.Executors;

/**
 * Model (a): a new platform (kernel) thread for every connection, for the connection's whole
 * life — the article's "thread mode". Unbounded: at 10,000 connections it is 10,000 kernel threads,
 * each with its own stack mapping (default -Xss), scheduled by the kernel on every blocking read.
 */
final class ThreadPerConnectionServer extends BlockingServer {
    ThreadPerConnectionServer(ServerConfig config) {
        super("thread", config,
                Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("thread-conn-", 0).factory()),
                Integer.MAX_VALUE);
    }
}

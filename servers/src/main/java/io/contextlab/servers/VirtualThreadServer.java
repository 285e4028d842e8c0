package io.contextlab.servers;

import java.util.concurrent.Executors;

/**
 * Model (e): a new virtual thread per connection, the same blocking code as the thread model.
 * A blocked read parks the virtual thread (the JDK's poller waits on epoll for it) and frees its
 * carrier; the carriers are a ForkJoinPool of one thread per core. The acceptor stays a platform
 * thread as in the other blocking models, so only the connection threads differ.
 */
final class VirtualThreadServer extends BlockingServer {
    VirtualThreadServer(ServerConfig config) {
        super("virtual", config, Executors.newVirtualThreadPerTaskExecutor(), Integer.MAX_VALUE);
    }
}

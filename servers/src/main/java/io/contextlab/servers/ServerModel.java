package io.contextlab.servers;

import java.io.IOException;

/** One concurrency model serving the tiny HTTP service in this JVM. */
public interface ServerModel extends AutoCloseable {
    /** Binds and starts serving; returns once the listening socket accepts connections. */
    void start() throws IOException;

    /** The bound port (useful when started with port 0). */
    int port();

    /**
     * Stops accepting, closes every connection and waits for the model's threads to end, so that
     * no socket descriptor and no thread of the model survives the call.
     */
    @Override
    void close();
}

package io.contextlab.servers;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;

/** What the model tests do to a server, the same for Java and C servers. */
final class RawHttp {
    /** Generous bounds so that a slow shared machine never fails a test; nothing is timed. */
    static final int READ_BOUND_MS = 10_000;

    private RawHttp() {}

    static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), READ_BOUND_MS);
        s.setSoTimeout(READ_BOUND_MS);
        return s;
    }

    /** Sends text and reads until the server closes; the whole answer. */
    static String exchangeUntilClose(int port, String text) throws IOException {
        try (Socket s = connect(port)) {
            s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** True when the server closes a connection that sent `text` and then went quiet. */
    static boolean closedWhenIdle(int port, String text) throws IOException {
        try (Socket s = connect(port)) {
            s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            try {
                return in.read() == -1;
            } catch (SocketTimeoutException stillOpen) {
                return false;
            }
        }
    }

    /** A client that sends half a request and resets the connection (SO_LINGER 0 → RST). */
    static void vanishMidRequest(int port) throws IOException {
        Socket s = connect(port);
        s.getOutputStream().write("GET / HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
        s.setSoLinger(true, 0);
        s.close();
    }

    /**
     * `clients` threads each send `requests` GETs through one shared HTTP/1.1 client (which keeps
     * its connections alive and reuses them); returns every body.
     */
    static List<String> concurrentKeepAlive(int port, int clients, int requests) throws Exception {
        List<String> bodies = new ArrayList<>();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
             ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).GET().build();
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    List<String> mine = new ArrayList<>();
                    for (int i = 0; i < requests; i++) {
                        HttpResponse<String> r = client.send(get, HttpResponse.BodyHandlers.ofString());
                        mine.add(r.statusCode() + " " + r.headers().firstValue("connection").orElse("") + " " + r.body());
                    }
                    return mine;
                }));
            }
            for (Future<List<String>> f : futures) bodies.addAll(f.get());
        }
        return bodies;
    }
}

package io.contextlab.servers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nginx as the outside reference: renders nginx.conf.template into a private prefix (its own pid,
 * log and temp paths, so it never touches /etc/nginx or /run) and returns the command that runs
 * it in the foreground (daemon off) as a child of the driver. setpriv gives the master a
 * parent-death signal, so a killed driver does not leave nginx behind.
 */
final class NginxReference {
    static final String BINARY = "/usr/sbin/nginx";

    private NginxReference() {}

    static List<String> prepare(Path prefix, int port, int workers, long idleSeconds) throws IOException {
        Files.createDirectories(prefix);
        String template;
        try (InputStream in = NginxReference.class.getResourceAsStream("nginx.conf.template")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        String conf = template
                .replace("@PORT@", Integer.toString(port))
                .replace("@WORKERS@", Integer.toString(workers))
                .replace("@IDLE_S@", Long.toString(idleSeconds))
                .replace("@PREFIX@", prefix.toString())
                .replace("@USER@", root ? "user root;" : "");
        Files.writeString(prefix.resolve("nginx.conf"), conf);
        String[] base = {BINARY, "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString(),
                "-e", prefix.resolve("error.log").toString()};
        if (Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            return List.of(concat(new String[] {"/usr/bin/setpriv", "--pdeathsig", "TERM", "--"}, base));
        }
        return List.of(base);
    }

    static String version() {
        try {
            Process p = new ProcessBuilder(BINARY, "-v").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(5, TimeUnit.SECONDS);
            return v;
        } catch (IOException | InterruptedException e) {
            return "unavailable: " + e.getMessage();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}

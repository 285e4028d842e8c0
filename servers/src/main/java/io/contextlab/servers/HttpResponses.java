package io.contextlab.servers;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The response side of the tiny service: complete response byte arrays, built once per second
 * (the Date header is the only part that changes) and shared by every connection, so that
 * answering costs the same copy in every model. The C servers (http.c) and the nginx template
 * send the same body and the same header set; nginx adds nothing the load generator parses.
 */
public final class HttpResponses {
    /** The fixed body; the C servers and nginx.conf.template carry the same 22 bytes. */
    public static final String BODY = "Hello from ContextLab\n";

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    /** Responses of one second: index = (keepAlive ? 1 : 0) | (headOnly ? 2 : 0). */
    private record Second(long epochSecond, byte[][] ok) {}

    private static volatile Second current = build(Instant.now().getEpochSecond());

    private HttpResponses() {}

    /** The 200 response for a GET (or HEAD) request; shared, never to be modified. */
    public static byte[] ok(boolean keepAlive, boolean headOnly) {
        long now = System.currentTimeMillis() / 1000;
        Second s = current;
        if (s.epochSecond != now) {
            s = build(now);        // a benign race: two threads may build the same second
            current = s;
        }
        return s.ok[(keepAlive ? 1 : 0) | (headOnly ? 2 : 0)];
    }

    /** An error response, always followed by closing the connection. */
    public static byte[] error(int status) {
        String reason = switch (status) {
            case 400 -> "Bad Request";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 431 -> "Request Header Fields Too Large";
            case 505 -> "HTTP Version Not Supported";
            default -> "Error";
        };
        String body = status + " " + reason + "\n";
        String allow = status == 405 ? "Allow: GET, HEAD\r\n" : "";
        return head(status + " " + reason, date(System.currentTimeMillis() / 1000), body.length(), false, allow)
                .concat(body).getBytes(StandardCharsets.US_ASCII);
    }

    private static Second build(long epochSecond) {
        String date = date(epochSecond);
        byte[][] ok = new byte[4][];
        for (int i = 0; i < 4; i++) {
            boolean keepAlive = (i & 1) != 0, headOnly = (i & 2) != 0;
            String text = head("200 OK", date, BODY.length(), keepAlive, "") + (headOnly ? "" : BODY);
            ok[i] = text.getBytes(StandardCharsets.US_ASCII);
        }
        return new Second(epochSecond, ok);
    }

    private static String head(String status, String date, int length, boolean keepAlive, String extra) {
        return "HTTP/1.1 " + status + "\r\n"
                + "Server: contextlab\r\n"
                + "Date: " + date + "\r\n"
                + "Content-Type: text/plain\r\n"
                + "Content-Length: " + length + "\r\n"
                + extra
                + (keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n")
                + "\r\n";
    }

    private static String date(long epochSecond) {
        return HTTP_DATE.format(Instant.ofEpochSecond(epochSecond));
    }
}

package io.contextlab.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpRequestParserTest {
    private static int parse(HttpRequestParser p, String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        return p.parse(b, 0, b.length);
    }

    @Test
    void keepAliveByDefaultInHttp11AndCloseOnRequest() {
        HttpRequestParser p = new HttpRequestParser();
        String get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        assertEquals(HttpRequestParser.COMPLETE, parse(p, get));
        assertTrue(p.keepAlive());
        assertEquals(get.length(), p.headLength());
        assertEquals(HttpRequestParser.COMPLETE, parse(p, "GET / HTTP/1.1\r\nHost: x\r\nConnection: Keep-Alive, CLOSE\r\n\r\n"));
        assertFalse(p.keepAlive());
    }

    @Test
    void http10ClosesUnlessAskedToKeepAlive() {
        HttpRequestParser p = new HttpRequestParser();
        assertEquals(HttpRequestParser.COMPLETE, parse(p, "GET / HTTP/1.0\r\n\r\n"));
        assertFalse(p.keepAlive());
        assertEquals(HttpRequestParser.COMPLETE, parse(p, "GET / HTTP/1.0\nConnection: keep-alive\n\n"));
        assertTrue(p.keepAlive());
    }

    @Test
    void headIsHeadOnlyAndPipelinedRequestsAreSeparated() {
        HttpRequestParser p = new HttpRequestParser();
        String one = "HEAD /a HTTP/1.1\r\nHost: x\r\n\r\n";
        byte[] two = (one + "GET /b HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        assertEquals(HttpRequestParser.COMPLETE, p.parse(two, 0, two.length));
        assertTrue(p.headOnly());
        assertEquals(one.length(), p.headLength());
        assertEquals(HttpRequestParser.COMPLETE, p.parse(two, one.length(), two.length));
        assertFalse(p.headOnly());
    }

    @Test
    void aHeadTrickledByteByByteCompletesOnce() {
        HttpRequestParser p = new HttpRequestParser();
        byte[] b = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int n = 0; n < b.length; n++) {
            assertEquals(HttpRequestParser.NEED_MORE, p.parse(b, 0, n), "after " + n + " bytes");
        }
        assertEquals(HttpRequestParser.COMPLETE, p.parse(b, 0, b.length));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GARBAGE\\r\\n\\r\\n|400",
        "GET /\\r\\n\\r\\n|400",
        "GET  / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nHost: x\\r\\nHost: y\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nHost : x\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nHost: x\\r\\n folded\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nHost: x\\r\\nNoColon\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nHost: x\\u0001\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: -1\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\rHost: x\\r\\n\\r\\n|400",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3\\r\\n\\r\\n|405",
        "GET / HTTP/2.0\\r\\nHost: x\\r\\n\\r\\n|505",
        "GET / HTTPS/1.1\\r\\nHost: x\\r\\n\\r\\n|400",
    })
    void malformedOrUnsupportedRequestsAreRejected(String escaped, int status) {
        String text = escaped.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0001", "\u0001");
        HttpRequestParser p = new HttpRequestParser();
        assertEquals(HttpRequestParser.REJECT, parse(p, text), text);
        assertEquals(status, p.rejectStatus());
        assertFalse(p.keepAlive());
    }

    @Test
    void anOversizedHeadIsRejectedWith431EvenUnfinished() {
        HttpRequestParser p = new HttpRequestParser();
        String big = "GET / HTTP/1.1\r\nHost: x\r\nX: " + "a".repeat(HttpRequestParser.MAX_HEAD);
        assertEquals(HttpRequestParser.REJECT, parse(p, big));
        assertEquals(431, p.rejectStatus());
    }
}

package io.contextlab.servers;

/**
 * The request side of the tiny HTTP/1.1 service every model serves: finds one request head in a
 * byte range and decides how to answer it. Every model (blocking or event loop) calls this same
 * code, so a difference between models is never a difference in parsing.
 *
 * <p>What it accepts (RFC 9112, kept deliberately small): a request line {@code METHOD SP target
 * SP HTTP/1.x}, header lines {@code name: value}, an empty line; CRLF or a bare LF as line end
 * (§2.2 allows recognising LF). What it answers:
 * <ul>
 *   <li>GET or HEAD, no body → 200 with the fixed body (HEAD: headers only);</li>
 *   <li>another well-formed method → 405 and close (its body, if any, is never read);</li>
 *   <li>HTTP/2+ or HTTP/0.x → 505 and close; a head over {@link #MAX_HEAD} bytes → 431 and close;</li>
 *   <li>anything else malformed — bad request line, header without colon, space before the colon,
 *       obsolete line folding, control characters, HTTP/1.1 without exactly one Host, a GET/HEAD
 *       that announces a body (Content-Length other than 0, Transfer-Encoding) → 400 and close.</li>
 * </ul>
 * Keep-alive follows §9.3: HTTP/1.1 persists unless {@code Connection: close}; HTTP/1.0 closes
 * unless {@code Connection: keep-alive}.
 *
 * <p>The parser is re-entrant over a growing range: called again with more bytes it resumes the
 * line scan where it stopped, so a head trickled one byte at a time costs O(head), not O(head²).
 * One instance per connection; not thread-safe.
 */
public final class HttpRequestParser {
    /** Longest request head accepted, as nginx's default large_client_header_buffers (8 KiB). */
    public static final int MAX_HEAD = 8192;

    public static final int NEED_MORE = 0;
    public static final int COMPLETE = 1;
    public static final int REJECT = 2;

    private int scanned;          // bytes of the current head already searched for its end
    private int headLength;
    private boolean keepAlive;
    private boolean headOnly;
    private int rejectStatus;

    /**
     * Looks for one complete request head in {@code buf[from, to)}.
     *
     * @return {@link #COMPLETE} (then {@link #headLength()}, {@link #keepAlive()},
     *     {@link #headOnly()} describe it), {@link #REJECT} (then {@link #rejectStatus()} is the
     *     status to answer before closing) or {@link #NEED_MORE}.
     */
    public int parse(byte[] buf, int from, int to) {
        int end = findHeadEnd(buf, from, to);
        if (end < 0) {
            if (to - from >= MAX_HEAD) {
                return reject(431);
            }
            return NEED_MORE;
        }
        scanned = 0;
        headLength = end - from;
        if (headLength > MAX_HEAD) {
            return reject(431);
        }
        return parseHead(buf, from, end);
    }

    public int headLength() { return headLength; }
    public boolean keepAlive() { return keepAlive; }
    public boolean headOnly() { return headOnly; }
    public int rejectStatus() { return rejectStatus; }

    /** The index just past the empty line ending the head, or -1 while it has not arrived. */
    private int findHeadEnd(byte[] buf, int from, int to) {
        int i = from + scanned;
        for (; i < to; i++) {
            if (buf[i] != '\n') {
                continue;
            }
            // An empty line is "\n" right after the previous "\n", or "\r\n" right after it.
            int prev = i - 1;
            if (prev >= from && buf[prev] == '\r') {
                prev--;
            }
            if (prev < from || buf[prev] == '\n') {
                if (prev < from) {
                    // Leading empty lines before the request line are tolerated (RFC 9112 §2.2).
                    continue;
                }
                scanned = 0;
                return i + 1;
            }
        }
        // Resume one byte back next time: the '\n' pairing looks at the byte before.
        scanned = Math.max(0, i - from - 1);
        return -1;
    }

    private int parseHead(byte[] b, int from, int end) {
        int p = from;
        while (p < end && (b[p] == '\r' || b[p] == '\n')) {
            p++;                                           // tolerated leading empty lines
        }
        // Request line: method SP target SP version
        int methodStart = p;
        while (p < end && isTokenChar(b[p])) p++;
        if (p == methodStart || p >= end || b[p] != ' ') return reject(400);
        int methodEnd = p++;
        int targetStart = p;
        while (p < end && b[p] > ' ' && b[p] != 0x7f) p++;
        if (p == targetStart || p >= end || b[p] != ' ') return reject(400);
        p++;
        int versionStart = p;
        int lineEnd = lineEnd(b, p, end);
        if (lineEnd < 0) return reject(400);
        int minor;
        if (lineEnd - versionStart == 8 && startsWith(b, versionStart, "HTTP/")
                && isDigit(b[versionStart + 5]) && b[versionStart + 6] == '.' && isDigit(b[versionStart + 7])) {
            int major = b[versionStart + 5] - '0';
            minor = b[versionStart + 7] - '0';
            if (major != 1) return reject(505);
        } else {
            return reject(400);
        }
        boolean http11 = minor >= 1;
        p = nextLine(b, lineEnd);

        int hosts = 0;
        boolean close = false, keepAliveToken = false, body = false;
        while (p < end) {
            int le = lineEnd(b, p, end);
            if (le < 0) return reject(400);
            if (le == p) break;                            // the empty line
            if (b[p] == ' ' || b[p] == '\t') return reject(400);   // obs-fold
            int nameStart = p;
            while (p < le && isTokenChar(b[p])) p++;
            if (p == nameStart || p >= le || b[p] != ':') return reject(400);
            int nameEnd = p++;
            while (p < le && (b[p] == ' ' || b[p] == '\t')) p++;
            int valueStart = p;
            int valueEnd = le;
            while (valueEnd > valueStart && (b[valueEnd - 1] == ' ' || b[valueEnd - 1] == '\t')) valueEnd--;
            for (int i = valueStart; i < valueEnd; i++) {
                if ((b[i] < ' ' && b[i] != '\t') || b[i] == 0x7f) return reject(400);
            }
            int nameLen = nameEnd - nameStart;
            if (nameLen == 4 && equalsIgnoreCase(b, nameStart, "host")) {
                hosts++;
            } else if (nameLen == 10 && equalsIgnoreCase(b, nameStart, "connection")) {
                close |= containsToken(b, valueStart, valueEnd, "close");
                keepAliveToken |= containsToken(b, valueStart, valueEnd, "keep-alive");
            } else if (nameLen == 14 && equalsIgnoreCase(b, nameStart, "content-length")) {
                if (valueEnd == valueStart) return reject(400);
                for (int i = valueStart; i < valueEnd; i++) {
                    if (!isDigit(b[i])) return reject(400);
                    if (b[i] != '0') body = true;
                }
            } else if (nameLen == 17 && equalsIgnoreCase(b, nameStart, "transfer-encoding")) {
                body = true;
            }
            p = nextLine(b, le);
        }
        if (http11 && hosts != 1) return reject(400);

        int methodLen = methodEnd - methodStart;
        boolean get = methodLen == 3 && startsWith(b, methodStart, "GET");
        boolean head = methodLen == 4 && startsWith(b, methodStart, "HEAD");
        if (!get && !head) return reject(405);
        if (body) return reject(400);
        keepAlive = http11 ? !close : keepAliveToken && !close;
        headOnly = head;
        rejectStatus = 0;
        return COMPLETE;
    }

    private int reject(int status) {
        scanned = 0;
        rejectStatus = status;
        keepAlive = false;
        return REJECT;
    }

    /** The index of the line's terminator ('\r' of "\r\n", or a bare '\n'), or -1. */
    private static int lineEnd(byte[] b, int p, int end) {
        for (int i = p; i < end; i++) {
            if (b[i] == '\n') {
                return (i > p && b[i - 1] == '\r') ? i - 1 : i;
            }
            if (b[i] == '\r' && (i + 1 >= end || b[i + 1] != '\n')) {
                return -1;                                   // a bare CR is not a line end
            }
        }
        return -1;
    }

    private static int nextLine(byte[] b, int lineEnd) {
        return b[lineEnd] == '\r' ? lineEnd + 2 : lineEnd + 1;
    }

    private static boolean isDigit(byte c) { return c >= '0' && c <= '9'; }

    /** RFC 9110 tchar. */
    private static boolean isTokenChar(byte c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c)) return true;
        return switch (c) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
            default -> false;
        };
    }

    private static boolean startsWith(byte[] b, int at, String ascii) {
        if (at + ascii.length() > b.length) return false;
        for (int i = 0; i < ascii.length(); i++) {
            if (b[at + i] != ascii.charAt(i)) return false;
        }
        return true;
    }

    private static boolean equalsIgnoreCase(byte[] b, int at, String lowerAscii) {
        for (int i = 0; i < lowerAscii.length(); i++) {
            int c = b[at + i];
            if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
            if (c != lowerAscii.charAt(i)) return false;
        }
        return true;
    }

    /** Whether the comma-separated list in b[from, to) holds the token, case-insensitively. */
    private static boolean containsToken(byte[] b, int from, int to, String lowerToken) {
        int i = from;
        while (i < to) {
            while (i < to && (b[i] == ',' || b[i] == ' ' || b[i] == '\t')) i++;
            int start = i;
            while (i < to && b[i] != ',') i++;
            int stop = i;
            while (stop > start && (b[stop - 1] == ' ' || b[stop - 1] == '\t')) stop--;
            if (stop - start == lowerToken.length() && equalsIgnoreCase(b, start, lowerToken)) return true;
        }
        return false;
    }
}

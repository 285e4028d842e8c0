/* Request parsing and response bytes for the C servers; mirrors HttpRequestParser.java and
 * HttpResponses.java so that the C and Java models answer byte-for-byte alike (but the Date). */
#include "http.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int is_tchar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c)) return 1;
    return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static enum http_verdict reject(struct http_parser *p, int status) {
    p->scanned = 0;
    p->reject_status = status;
    p->keep_alive = 0;
    return HTTP_REJECT;
}

/* Index just past the empty line that ends the head, or 0 while it has not arrived. */
static size_t find_head_end(struct http_parser *p, const char *b, size_t len) {
    size_t i = p->scanned;
    for (; i < len; i++) {
        if (b[i] != '\n') continue;
        long prev = (long)i - 1;
        if (prev >= 0 && b[prev] == '\r') prev--;
        if (prev < 0) continue;                 /* tolerated leading empty line */
        if (b[prev] == '\n') { p->scanned = 0; return i + 1; }
    }
    p->scanned = i > 0 ? i - 1 : 0;
    return 0;
}

/* Index of the line terminator ('\r' of CRLF or a bare '\n') from p, or -1. */
static long line_end(const char *b, size_t p, size_t end) {
    for (size_t i = p; i < end; i++) {
        if (b[i] == '\n') return (i > p && b[i - 1] == '\r') ? (long)i - 1 : (long)i;
        if (b[i] == '\r' && (i + 1 >= end || b[i + 1] != '\n')) return -1;
    }
    return -1;
}

static size_t next_line(const char *b, size_t le) { return b[le] == '\r' ? le + 2 : le + 1; }

static int has_token(const char *b, size_t from, size_t to, const char *tok) {
    size_t n = strlen(tok), i = from;
    while (i < to) {
        while (i < to && (b[i] == ',' || b[i] == ' ' || b[i] == '\t')) i++;
        size_t s = i;
        while (i < to && b[i] != ',') i++;
        size_t e = i;
        while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t')) e--;
        if (e - s == n && strncasecmp(b + s, tok, n) == 0) return 1;
    }
    return 0;
}

enum http_verdict http_parse(struct http_parser *p, const char *b, size_t len) {
    size_t end = find_head_end(p, b, len);
    if (end == 0) return len >= HTTP_MAX_HEAD ? reject(p, 431) : HTTP_NEED_MORE;
    p->head_len = end;
    if (end > HTTP_MAX_HEAD) return reject(p, 431);

    size_t i = 0;
    while (i < end && (b[i] == '\r' || b[i] == '\n')) i++;
    size_t m0 = i;
    while (i < end && is_tchar(b[i])) i++;
    if (i == m0 || i >= end || b[i] != ' ') return reject(p, 400);
    size_t m1 = i++;
    size_t t0 = i;
    while (i < end && (unsigned char)b[i] > ' ' && b[i] != 0x7f) i++;
    if (i == t0 || i >= end || b[i] != ' ') return reject(p, 400);
    size_t v0 = ++i;
    long le = line_end(b, i, end);
    if (le < 0) return reject(p, 400);
    if (!((size_t)le - v0 == 8 && strncmp(b + v0, "HTTP/", 5) == 0 && is_digit(b[v0 + 5])
          && b[v0 + 6] == '.' && is_digit(b[v0 + 7])))
        return reject(p, 400);
    if (b[v0 + 5] != '1') return reject(p, 505);
    int http11 = b[v0 + 7] >= '1';
    i = next_line(b, (size_t)le);

    int hosts = 0, close = 0, ka = 0, body = 0;
    while (i < end) {
        le = line_end(b, i, end);
        if (le < 0) return reject(p, 400);
        if ((size_t)le == i) break;
        if (b[i] == ' ' || b[i] == '\t') return reject(p, 400);
        size_t n0 = i;
        while (i < (size_t)le && is_tchar(b[i])) i++;
        if (i == n0 || i >= (size_t)le || b[i] != ':') return reject(p, 400);
        size_t nlen = i - n0;
        i++;
        while (i < (size_t)le && (b[i] == ' ' || b[i] == '\t')) i++;
        size_t val0 = i, val1 = (size_t)le;
        while (val1 > val0 && (b[val1 - 1] == ' ' || b[val1 - 1] == '\t')) val1--;
        for (size_t k = val0; k < val1; k++)
            if (((unsigned char)b[k] < ' ' && b[k] != '\t') || b[k] == 0x7f) return reject(p, 400);
        if (nlen == 4 && strncasecmp(b + n0, "host", 4) == 0) {
            hosts++;
        } else if (nlen == 10 && strncasecmp(b + n0, "connection", 10) == 0) {
            close |= has_token(b, val0, val1, "close");
            ka |= has_token(b, val0, val1, "keep-alive");
        } else if (nlen == 14 && strncasecmp(b + n0, "content-length", 14) == 0) {
            if (val1 == val0) return reject(p, 400);
            for (size_t k = val0; k < val1; k++) {
                if (!is_digit(b[k])) return reject(p, 400);
                if (b[k] != '0') body = 1;
            }
        } else if (nlen == 17 && strncasecmp(b + n0, "transfer-encoding", 17) == 0) {
            body = 1;
        }
        i = next_line(b, (size_t)le);
    }
    if (http11 && hosts != 1) return reject(p, 400);
    size_t mlen = m1 - m0;
    int get = mlen == 3 && strncmp(b + m0, "GET", 3) == 0;
    int head = mlen == 4 && strncmp(b + m0, "HEAD", 4) == 0;
    if (!get && !head) return reject(p, 405);
    if (body) return reject(p, 400);
    p->keep_alive = http11 ? !close : (ka && !close);
    p->head_only = head;
    p->reject_status = 0;
    return HTTP_COMPLETE;
}

static const char *reason(int status) {
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 405: return "Method Not Allowed";
    case 431: return "Request Header Fields Too Large";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
    }
}

/* The Date header value, formatted once per second (per process). */
static const char *http_date(void) {
    static time_t cached_second = -1;
    static char text[64];
    time_t now = time(NULL);
    if (now != cached_second) {
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        cached_second = now;
    }
    return text;
}

size_t http_response(const struct http_parser *p, enum http_verdict v, char *out, size_t cap) {
    int status = v == HTTP_COMPLETE ? 200 : p->reject_status;
    char err_body[64];
    const char *body = HTTP_BODY;
    if (status != 200) {
        snprintf(err_body, sizeof err_body, "%d %s\n", status, reason(status));
        body = err_body;
    }
    int keep_alive = v == HTTP_COMPLETE && p->keep_alive;
    int n = snprintf(out, cap,
                     "HTTP/1.1 %d %s\r\nServer: contextlab\r\nDate: %s\r\nContent-Type: text/plain\r\n"
                     "Content-Length: %zu\r\n%sConnection: %s\r\n\r\n%s",
                     status, reason(status), http_date(), strlen(body),
                     status == 405 ? "Allow: GET, HEAD\r\n" : "",
                     keep_alive ? "keep-alive" : "close",
                     (v == HTTP_COMPLETE && p->head_only) ? "" : body);
    return n < 0 ? 0 : ((size_t)n < cap ? (size_t)n : cap - 1);
}

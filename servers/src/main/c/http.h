/* The tiny HTTP/1.1 service of the C servers: the same rules and bytes as the Java models'
 * HttpRequestParser and HttpResponses (see there for the accepted grammar and the statuses). */
#ifndef CONTEXTLAB_HTTP_H
#define CONTEXTLAB_HTTP_H

#include <stddef.h>

#define HTTP_MAX_HEAD 8192
#define HTTP_BODY "Hello from ContextLab\n"

enum http_verdict { HTTP_NEED_MORE = 0, HTTP_COMPLETE = 1, HTTP_REJECT = 2 };

struct http_parser {
    size_t scanned;     /* bytes of the pending head already searched for its end */
    size_t head_len;    /* COMPLETE: length of the head just parsed */
    int keep_alive;
    int head_only;
    int reject_status;  /* REJECT: 400, 405, 431 or 505 */
};

enum http_verdict http_parse(struct http_parser *p, const char *buf, size_t len);

/* Writes the response for the last verdict into out (at least 512 bytes); returns its length. */
size_t http_response(const struct http_parser *p, enum http_verdict v, char *out, size_t cap);

#endif

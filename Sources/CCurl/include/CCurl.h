#ifndef PORTCULLIS_CCURL_H
#define PORTCULLIS_CCURL_H
/* One bounded HTTP(S) GET through libcurl, which is loaded with dlopen on first use: a server
 * that never fetches a URL (no http bundle source, no remote JWKS) never maps libcurl and the
 * dozens of libraries it pulls in. Every symbol is prefixed `portcullis_http_`. One request
 * handle per transfer; only `portcullis_http_cancel` may be called from another thread. */
#include <stddef.h>

typedef struct portcullis_http_request portcullis_http_request;

/* What `portcullis_http_perform` returns. */
enum {
    PORTCULLIS_HTTP_OK = 0,           /* a response arrived (any status) */
    PORTCULLIS_HTTP_UNAVAILABLE = 1,  /* libcurl could not be loaded */
    PORTCULLIS_HTTP_TOO_LARGE = 2,    /* the body exceeded max_bytes */
    PORTCULLIS_HTTP_TIMEOUT = 3,      /* the whole exchange exceeded timeout_ms */
    PORTCULLIS_HTTP_CANCELLED = 4,    /* portcullis_http_cancel was called */
    PORTCULLIS_HTTP_FAILED = 5,       /* anything else: see portcullis_http_error */
    PORTCULLIS_HTTP_NO_MEMORY = 6,
};

/* NULL when out of memory. */
portcullis_http_request *portcullis_http_request_new(void);
void portcullis_http_request_free(portcullis_http_request *request);

/* Adds a request header line ("Name: value"); 0 on success. */
int portcullis_http_add_header(portcullis_http_request *request, const char *line);

/* Performs the GET, blocking. `protocols` is libcurl's comma-separated list ("http,https" or
 * "https"), applied to redirects too (at most 5 are followed). */
int portcullis_http_perform(portcullis_http_request *request, const char *url, const char *protocols,
                            long timeout_ms, size_t max_bytes);

/* Thread-safe: makes a running or later perform stop with PORTCULLIS_HTTP_CANCELLED. */
void portcullis_http_cancel(portcullis_http_request *request);

/* After PORTCULLIS_HTTP_OK: the status, the body and the final response's header lines
 * ("Name: value\r\n" each, the status line excluded). Owned by the request. */
long portcullis_http_status(const portcullis_http_request *request);
const unsigned char *portcullis_http_body(const portcullis_http_request *request, size_t *length);
const char *portcullis_http_headers(const portcullis_http_request *request, size_t *length);

/* After a failure: a NUL-terminated description (never empty). Owned by the request. */
const char *portcullis_http_error(const portcullis_http_request *request);

#endif

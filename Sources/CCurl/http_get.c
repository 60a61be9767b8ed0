/* See CCurl.h. libcurl is resolved with dlopen/dlsym once, on the first request. */
#include "CCurl.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PORTCULLIS_HTTP_MAX_HEADER_BYTES (64 * 1024)

static struct {
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    CURLcode (*global_init)(long);
    int loaded;
    char why[256];
} portcullis_curl;

static pthread_once_t portcullis_curl_once = PTHREAD_ONCE_INIT;

static void portcullis_curl_load(void) {
    /* Debian's libcurl4 (OpenSSL), else libcurl3-gnutls: the same API under another name. */
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *e = dlerror();
        snprintf(portcullis_curl.why, sizeof portcullis_curl.why, "cannot load libcurl.so.4 (install libcurl4): %s",
                 e ? e : "unknown");
        lib = dlopen("libcurl-gnutls.so.4", RTLD_NOW | RTLD_LOCAL);
        if (!lib) return;
    }
#define PORTCULLIS_SYM(field, name)                                                                          \
    do {                                                                                                     \
        *(void **)&portcullis_curl.field = dlsym(lib, name);                                                 \
        if (!portcullis_curl.field) {                                                                        \
            snprintf(portcullis_curl.why, sizeof portcullis_curl.why, "libcurl has no %s", name);            \
            return;                                                                                          \
        }                                                                                                    \
    } while (0)
    PORTCULLIS_SYM(easy_init, "curl_easy_init");
    PORTCULLIS_SYM(easy_setopt, "curl_easy_setopt");
    PORTCULLIS_SYM(easy_perform, "curl_easy_perform");
    PORTCULLIS_SYM(easy_getinfo, "curl_easy_getinfo");
    PORTCULLIS_SYM(easy_cleanup, "curl_easy_cleanup");
    PORTCULLIS_SYM(easy_strerror, "curl_easy_strerror");
    PORTCULLIS_SYM(slist_append, "curl_slist_append");
    PORTCULLIS_SYM(slist_free_all, "curl_slist_free_all");
    PORTCULLIS_SYM(global_init, "curl_global_init");
#undef PORTCULLIS_SYM
    if (portcullis_curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(portcullis_curl.why, sizeof portcullis_curl.why, "curl_global_init failed");
        return;
    }
    portcullis_curl.loaded = 1;
    /* The library stays loaded for the life of the process (curl_global_cleanup is not safe
     * while other threads may still use it). */
}

struct buffer {
    unsigned char *data;
    size_t length;
    size_t capacity;
};

static int buffer_append(struct buffer *b, const void *bytes, size_t n) {
    if (n > ((size_t)-1) - b->length - 1) return -1;
    if (b->length + n + 1 > b->capacity) {
        size_t capacity = b->capacity ? b->capacity : 4096;
        while (capacity < b->length + n + 1) capacity *= 2;
        unsigned char *grown = realloc(b->data, capacity);
        if (!grown) return -1;
        b->data = grown;
        b->capacity = capacity;
    }
    memcpy(b->data + b->length, bytes, n);
    b->length += n;
    b->data[b->length] = 0;
    return 0;
}

struct portcullis_http_request {
    struct curl_slist *headers;
    struct buffer body;
    struct buffer response_headers;
    size_t max_bytes;
    long status;
    int too_large;
    int out_of_memory;
    atomic_int cancelled;
    char error[CURL_ERROR_SIZE + 64];
};

portcullis_http_request *portcullis_http_request_new(void) {
    portcullis_http_request *r = calloc(1, sizeof *r);
    if (r) atomic_init(&r->cancelled, 0);
    return r;
}

void portcullis_http_request_free(portcullis_http_request *r) {
    if (!r) return;
    if (r->headers && portcullis_curl.slist_free_all) portcullis_curl.slist_free_all(r->headers);
    free(r->body.data);
    free(r->response_headers.data);
    free(r);
}

int portcullis_http_add_header(portcullis_http_request *r, const char *line) {
    pthread_once(&portcullis_curl_once, portcullis_curl_load);
    if (!portcullis_curl.loaded) return -1;
    struct curl_slist *next = portcullis_curl.slist_append(r->headers, line);
    if (!next) return -1;
    r->headers = next;
    return 0;
}

void portcullis_http_cancel(portcullis_http_request *r) { atomic_store(&r->cancelled, 1); }

static size_t on_body(char *data, size_t size, size_t count, void *user) {
    portcullis_http_request *r = user;
    size_t n = size * count;
    if (r->body.length + n > r->max_bytes) {
        r->too_large = 1;
        return 0; /* aborts the transfer */
    }
    if (buffer_append(&r->body, data, n) != 0) {
        r->out_of_memory = 1;
        return 0;
    }
    return n;
}

static size_t on_header(char *data, size_t size, size_t count, void *user) {
    portcullis_http_request *r = user;
    size_t n = size * count;
    if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        r->response_headers.length = 0; /* a new response (after a redirect or a 100) */
        if (r->response_headers.data) r->response_headers.data[0] = 0;
        return n;
    }
    if (n <= 2) return n; /* the blank line that ends the head */
    if (r->response_headers.length + n <= PORTCULLIS_HTTP_MAX_HEADER_BYTES &&
        buffer_append(&r->response_headers, data, n) != 0) {
        r->out_of_memory = 1;
        return 0;
    }
    return n;
}

static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow) {
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    portcullis_http_request *r = user;
    return atomic_load(&r->cancelled) ? 1 : 0;
}

int portcullis_http_perform(portcullis_http_request *r, const char *url, const char *protocols, long timeout_ms,
                            size_t max_bytes) {
    pthread_once(&portcullis_curl_once, portcullis_curl_load);
    if (!portcullis_curl.loaded) {
        snprintf(r->error, sizeof r->error, "%s", portcullis_curl.why);
        return PORTCULLIS_HTTP_UNAVAILABLE;
    }
    if (atomic_load(&r->cancelled)) {
        snprintf(r->error, sizeof r->error, "cancelled");
        return PORTCULLIS_HTTP_CANCELLED;
    }
    CURL *curl = portcullis_curl.easy_init();
    if (!curl) {
        snprintf(r->error, sizeof r->error, "curl_easy_init failed");
        return PORTCULLIS_HTTP_NO_MEMORY;
    }
    r->max_bytes = max_bytes;
    r->body.length = 0;
    r->response_headers.length = 0;
    r->too_large = 0;
    r->out_of_memory = 0;
    r->status = 0;
    char curl_error[CURL_ERROR_SIZE] = {0};
    CURLcode rc = CURLE_OK;
#define PORTCULLIS_SET(option, value)                                                                        \
    if (rc == CURLE_OK) rc = portcullis_curl.easy_setopt(curl, option, value)
    PORTCULLIS_SET(CURLOPT_ERRORBUFFER, curl_error);
    PORTCULLIS_SET(CURLOPT_URL, url);
    PORTCULLIS_SET(CURLOPT_HTTPGET, 1L);
    PORTCULLIS_SET(CURLOPT_NOSIGNAL, 1L);
    PORTCULLIS_SET(CURLOPT_TIMEOUT_MS, timeout_ms);
    PORTCULLIS_SET(CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    PORTCULLIS_SET(CURLOPT_PROTOCOLS_STR, protocols);
    PORTCULLIS_SET(CURLOPT_REDIR_PROTOCOLS_STR, protocols);
    PORTCULLIS_SET(CURLOPT_FOLLOWLOCATION, 1L);
    PORTCULLIS_SET(CURLOPT_MAXREDIRS, 5L);
    PORTCULLIS_SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)(max_bytes > (size_t)INT64_MAX ? INT64_MAX : max_bytes));
    PORTCULLIS_SET(CURLOPT_WRITEFUNCTION, on_body);
    PORTCULLIS_SET(CURLOPT_WRITEDATA, (void *)r);
    PORTCULLIS_SET(CURLOPT_HEADERFUNCTION, on_header);
    PORTCULLIS_SET(CURLOPT_HEADERDATA, (void *)r);
    PORTCULLIS_SET(CURLOPT_NOPROGRESS, 0L);
    PORTCULLIS_SET(CURLOPT_XFERINFOFUNCTION, on_progress);
    PORTCULLIS_SET(CURLOPT_XFERINFODATA, (void *)r);
    if (r->headers) PORTCULLIS_SET(CURLOPT_HTTPHEADER, r->headers);
#undef PORTCULLIS_SET
    if (rc == CURLE_OK) rc = portcullis_curl.easy_perform(curl);
    int result = PORTCULLIS_HTTP_OK;
    if (rc == CURLE_OK) {
        long status = 0;
        portcullis_curl.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        r->status = status;
    } else if (r->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
        result = PORTCULLIS_HTTP_TOO_LARGE;
        snprintf(r->error, sizeof r->error, "larger than %zu bytes", max_bytes);
    } else if (r->out_of_memory || rc == CURLE_OUT_OF_MEMORY) {
        result = PORTCULLIS_HTTP_NO_MEMORY;
        snprintf(r->error, sizeof r->error, "out of memory");
    } else if (rc == CURLE_ABORTED_BY_CALLBACK && atomic_load(&r->cancelled)) {
        result = PORTCULLIS_HTTP_CANCELLED;
        snprintf(r->error, sizeof r->error, "cancelled");
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        result = PORTCULLIS_HTTP_TIMEOUT;
        snprintf(r->error, sizeof r->error, "timed out after %ld ms", timeout_ms);
    } else {
        result = PORTCULLIS_HTTP_FAILED;
        snprintf(r->error, sizeof r->error, "%s", curl_error[0] ? curl_error : portcullis_curl.easy_strerror(rc));
    }
    portcullis_curl.easy_cleanup(curl);
    if (result != PORTCULLIS_HTTP_OK && !r->error[0]) snprintf(r->error, sizeof r->error, "request failed");
    return result;
}

long portcullis_http_status(const portcullis_http_request *r) { return r->status; }

const unsigned char *portcullis_http_body(const portcullis_http_request *r, size_t *length) {
    *length = r->body.length;
    return r->body.data;
}

const char *portcullis_http_headers(const portcullis_http_request *r, size_t *length) {
    *length = r->response_headers.length;
    return (const char *)r->response_headers.data;
}

const char *portcullis_http_error(const portcullis_http_request *r) { return r->error[0] ? r->error : "request failed"; }

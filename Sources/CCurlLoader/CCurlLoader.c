// One HTTP exchange through libcurl, loaded with dlopen on first use (see include/CCurlLoader.h for why).
//
// curl/curl.h is not installed on every build machine (only libcurl4's shared library is), so this file declares the
// few prototypes and constants it uses itself. They are libcurl's stable ABI, unchanged since the releases named
// below: https://curl.se/libcurl/c/curl_easy_setopt.html (options and their numbers, `CURLOPT(name, type, number)` in
// curl.h), https://curl.se/libcurl/c/curl_easy_getinfo.html, https://curl.se/libcurl/c/libcurl-errors.html (CURLcode
// numbers) and https://curl.se/libcurl/c/CURLOPT_WRITEFUNCTION.html (the write callback).

#include "CCurlLoader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// MARK: - libcurl's ABI, as curl.h declares it

// Option numbers: a type base (long 0, object/string/slist/callback-data pointer 10000, function pointer 20000,
// curl_off_t 30000) plus the option's number.
enum {
    AX_CURLOPT_WRITEDATA = 10001,            // CURLOPTTYPE_CBPOINT + 1
    AX_CURLOPT_URL = 10002,                  // CURLOPTTYPE_STRINGPOINT + 2
    AX_CURLOPT_ERRORBUFFER = 10010,          // CURLOPTTYPE_OBJECTPOINT + 10
    AX_CURLOPT_XFERINFODATA = 10057,         // CURLOPTTYPE_CBPOINT + 57 (CURLOPT_PROGRESSDATA's number)
    AX_CURLOPT_WRITEFUNCTION = 20011,        // CURLOPTTYPE_FUNCTIONPOINT + 11
    AX_CURLOPT_POSTFIELDS = 10015,           // CURLOPTTYPE_OBJECTPOINT + 15
    AX_CURLOPT_HTTPHEADER = 10023,           // CURLOPTTYPE_SLISTPOINT + 23
    AX_CURLOPT_CUSTOMREQUEST = 10036,        // CURLOPTTYPE_STRINGPOINT + 36
    AX_CURLOPT_NOPROGRESS = 43,              // CURLOPTTYPE_LONG + 43
    AX_CURLOPT_FOLLOWLOCATION = 52,          // CURLOPTTYPE_LONG + 52
    AX_CURLOPT_HTTPGET = 80,                 // CURLOPTTYPE_LONG + 80
    AX_CURLOPT_NOSIGNAL = 99,                // CURLOPTTYPE_LONG + 99 (7.10)
    AX_CURLOPT_MAXFILESIZE_LARGE = 30117,    // CURLOPTTYPE_OFF_T + 117 (7.11.0)
    AX_CURLOPT_POSTFIELDSIZE_LARGE = 30120,  // CURLOPTTYPE_OFF_T + 120 (7.11.1)
    AX_CURLOPT_TIMEOUT_MS = 155,             // CURLOPTTYPE_LONG + 155 (7.16.2)
    AX_CURLOPT_PROTOCOLS = 181,              // CURLOPTTYPE_LONG + 181 (7.19.4; deprecated by PROTOCOLS_STR in 7.85.0)
    AX_CURLOPT_XFERINFOFUNCTION = 20219,     // CURLOPTTYPE_FUNCTIONPOINT + 219 (7.32.0)
    AX_CURLOPT_PROTOCOLS_STR = 10318,        // CURLOPTTYPE_STRINGPOINT + 318 (7.85.0)
};

// CURLINFO_LONG (0x200000) + 2.
enum { AX_CURLINFO_RESPONSE_CODE = 0x200002 };

// CURLcode values this file acts on.
enum {
    AX_CURLE_OK = 0,
    AX_CURLE_FAILED_INIT = 2,
    AX_CURLE_WRITE_ERROR = 23,
    AX_CURLE_OUT_OF_MEMORY = 27,
    AX_CURLE_ABORTED_BY_CALLBACK = 42,
    AX_CURLE_BAD_FUNCTION_ARGUMENT = 43,
    AX_CURLE_UNKNOWN_OPTION = 48,
    AX_CURLE_FILESIZE_EXCEEDED = 63,
};

enum {
    AX_CURL_GLOBAL_DEFAULT = 3,  // CURL_GLOBAL_SSL | CURL_GLOBAL_WIN32
    AX_CURLPROTO_HTTP = 1 << 0,
    AX_CURLPROTO_HTTPS = 1 << 1,
    AX_CURL_ERROR_SIZE = 256,
};

struct ax_curl_slist;  // struct curl_slist: only ever handled through curl_slist_append / curl_slist_free_all.

typedef int (*ax_global_init_fn)(long flags);
typedef void *(*ax_easy_init_fn)(void);
typedef int (*ax_easy_setopt_fn)(void *easy, int option, ...);
typedef int (*ax_easy_perform_fn)(void *easy);
typedef int (*ax_easy_getinfo_fn)(void *easy, int info, ...);
typedef void (*ax_easy_cleanup_fn)(void *easy);
typedef const char *(*ax_easy_strerror_fn)(int code);
typedef struct ax_curl_slist *(*ax_slist_append_fn)(struct ax_curl_slist *list, const char *text);
typedef void (*ax_slist_free_all_fn)(struct ax_curl_slist *list);

struct axcurl_library {
    void *handle;
    ax_easy_init_fn easy_init;
    ax_easy_setopt_fn easy_setopt;
    ax_easy_perform_fn easy_perform;
    ax_easy_getinfo_fn easy_getinfo;
    ax_easy_cleanup_fn easy_cleanup;
    ax_easy_strerror_fn easy_strerror;
    ax_slist_append_fn slist_append;
    ax_slist_free_all_fn slist_free_all;
};

// MARK: - Loading

// The libraries loaded so far, by dlopen handle: a process loads one libcurl, tests a second name at most.
enum { AX_MAX_LIBRARIES = 8 };
static pthread_mutex_t loader_lock = PTHREAD_MUTEX_INITIALIZER;
static struct axcurl_library loaded[AX_MAX_LIBRARIES];
static size_t loaded_count = 0;

static void copy_text(char *destination, size_t size, const char *text) {
    if (size == 0) return;
    snprintf(destination, size, "%s", text ? text : "");
}

const axcurl_library *axcurl_load(const char *const *names, size_t name_count, axcurl_load_failure *failure, char *detail,
                                  size_t detail_size) {
    pthread_mutex_lock(&loader_lock);
    const axcurl_library *result = NULL;
    void *handle = NULL;
    const char *opened = NULL;
    char first_error[512] = "";
    for (size_t index = 0; index < name_count && handle == NULL; index++) {
        handle = dlopen(names[index], RTLD_NOW | RTLD_LOCAL);
        if (handle != NULL) opened = names[index];
        else if (index == 0) copy_text(first_error, sizeof first_error, dlerror());
    }
    if (handle == NULL) {
        *failure = AXCURL_LOAD_NOT_FOUND;
        copy_text(detail, detail_size, first_error[0] ? first_error : "no library name given");
        goto done;
    }
    for (size_t index = 0; index < loaded_count; index++) {
        if (loaded[index].handle == handle) {
            dlclose(handle);  // dlopen counted a second reference to the library already held.
            result = &loaded[index];
            goto done;
        }
    }
    if (loaded_count == AX_MAX_LIBRARIES) {
        dlclose(handle);
        *failure = AXCURL_LOAD_INIT_FAILED;
        copy_text(detail, detail_size, "too many different libcurl libraries loaded");
        goto done;
    }
    struct axcurl_library library = {.handle = handle};
    static const char *const symbols[] = {"curl_global_init", "curl_easy_init", "curl_easy_setopt", "curl_easy_perform",
                                          "curl_easy_getinfo", "curl_easy_cleanup", "curl_easy_strerror", "curl_slist_append",
                                          "curl_slist_free_all"};
    void *addresses[sizeof symbols / sizeof symbols[0]];
    for (size_t index = 0; index < sizeof symbols / sizeof symbols[0]; index++) {
        addresses[index] = dlsym(handle, symbols[index]);
        if (addresses[index] == NULL) {
            dlclose(handle);
            *failure = AXCURL_LOAD_SYMBOL_MISSING;
            snprintf(detail, detail_size, "%s lacks %s", opened, symbols[index]);
            goto done;
        }
    }
    ax_global_init_fn global_init = (ax_global_init_fn)addresses[0];
    library.easy_init = (ax_easy_init_fn)addresses[1];
    library.easy_setopt = (ax_easy_setopt_fn)addresses[2];
    library.easy_perform = (ax_easy_perform_fn)addresses[3];
    library.easy_getinfo = (ax_easy_getinfo_fn)addresses[4];
    library.easy_cleanup = (ax_easy_cleanup_fn)addresses[5];
    library.easy_strerror = (ax_easy_strerror_fn)addresses[6];
    library.slist_append = (ax_slist_append_fn)addresses[7];
    library.slist_free_all = (ax_slist_free_all_fn)addresses[8];
    // Once per library, under the lock: curl_global_init is not thread-safe before libcurl 7.84.
    int code = global_init(AX_CURL_GLOBAL_DEFAULT);
    if (code != AX_CURLE_OK) {
        dlclose(handle);
        *failure = AXCURL_LOAD_INIT_FAILED;
        snprintf(detail, detail_size, "curl_global_init failed with code %d", code);
        goto done;
    }
    loaded[loaded_count] = library;
    result = &loaded[loaded_count];
    loaded_count += 1;
done:
    pthread_mutex_unlock(&loader_lock);
    return result;
}

// MARK: - One exchange

// The reply body as it arrives, refused past `maximum`.
typedef struct {
    uint8_t *data;
    size_t length;
    size_t capacity;
    size_t maximum;
    int too_large;
} reply_buffer;

// CURLOPT_WRITEFUNCTION: returning less than it was given makes libcurl stop the transfer with CURLE_WRITE_ERROR.
static size_t write_body(char *bytes, size_t size, size_t count, void *context) {
    reply_buffer *buffer = context;
    size_t length = size * count;
    if (length > buffer->maximum - buffer->length) {
        buffer->too_large = 1;
        return 0;
    }
    if (buffer->length + length > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity * 2 : 16384;
        if (capacity < buffer->length + length) capacity = buffer->length + length;
        if (capacity > buffer->maximum) capacity = buffer->maximum;
        uint8_t *grown = realloc(buffer->data, capacity);
        if (grown == NULL) return 0;
        buffer->data = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->data + buffer->length, bytes, length);
    buffer->length += length;
    return length;
}

void axcurl_cancel(axcurl_cancel_flag *flag) { __atomic_store_n(&flag->value, 1, __ATOMIC_RELEASE); }

// CURLOPT_XFERINFOFUNCTION (https://curl.se/libcurl/c/CURLOPT_XFERINFOFUNCTION.html): called often while data moves
// and about once a second while nothing does; non-zero aborts the transfer with CURLE_ABORTED_BY_CALLBACK.
static int check_cancel(void *context, int64_t download_total, int64_t downloaded, int64_t upload_total, int64_t uploaded) {
    (void)download_total, (void)downloaded, (void)upload_total, (void)uploaded;
    return __atomic_load_n(&((axcurl_cancel_flag *)context)->value, __ATOMIC_ACQUIRE) != 0;
}

static int has_line_break(const char *text) { return strchr(text, '\r') != NULL || strchr(text, '\n') != NULL; }

// Sets every option of `request` on `easy`; the first failing option's CURLcode, or 0.
static int configure(const axcurl_library *library, void *easy, const axcurl_request *request, struct ax_curl_slist **headers,
                     reply_buffer *buffer, char *error_buffer) {
    int code;
#define AX_SET(option, value)                                                      \
    do {                                                                           \
        if ((code = library->easy_setopt(easy, option, value)) != AX_CURLE_OK) \
            return code;                                                           \
    } while (0)
    AX_SET(AX_CURLOPT_ERRORBUFFER, error_buffer);
    AX_SET(AX_CURLOPT_URL, request->url);
    // Only http and https, whatever the URL says (file://, gopher://, ... are refused before any connection).
    code = library->easy_setopt(easy, AX_CURLOPT_PROTOCOLS_STR, "http,https");
    if (code == AX_CURLE_UNKNOWN_OPTION) code = library->easy_setopt(easy, AX_CURLOPT_PROTOCOLS, (long)(AX_CURLPROTO_HTTP | AX_CURLPROTO_HTTPS));
    if (code != AX_CURLE_OK) return code;
    // No signals (SIGALRM for name lookups), so that any thread may run an exchange.
    AX_SET(AX_CURLOPT_NOSIGNAL, 1L);
    // A 3xx comes back as the reply: the bearer token is never sent anywhere but the registered endpoint.
    AX_SET(AX_CURLOPT_FOLLOWLOCATION, 0L);
    if (request->cancel) {
        AX_SET(AX_CURLOPT_XFERINFOFUNCTION, check_cancel);
        AX_SET(AX_CURLOPT_XFERINFODATA, (void *)request->cancel);
        AX_SET(AX_CURLOPT_NOPROGRESS, 0L);
    } else {
        AX_SET(AX_CURLOPT_NOPROGRESS, 1L);
    }
    AX_SET(AX_CURLOPT_TIMEOUT_MS, request->timeout_ms);
    AX_SET(AX_CURLOPT_WRITEFUNCTION, write_body);
    AX_SET(AX_CURLOPT_WRITEDATA, (void *)buffer);
    // A Content-Length above the maximum stops the transfer before the body is read (the write callback stops the rest).
    AX_SET(AX_CURLOPT_MAXFILESIZE_LARGE, (int64_t)request->maximum_reply_size);
    for (size_t index = 0; index < request->header_count; index++) {
        // A header holding a line break would add headers of its own: refused, never sent.
        if (has_line_break(request->headers[index])) return AX_CURLE_BAD_FUNCTION_ARGUMENT;
        struct ax_curl_slist *appended = library->slist_append(*headers, request->headers[index]);
        if (appended == NULL) return AX_CURLE_OUT_OF_MEMORY;
        *headers = appended;
    }
    // No `Expect: 100-continue` round trip before a body.
    struct ax_curl_slist *appended = library->slist_append(*headers, "Expect:");
    if (appended == NULL) return AX_CURLE_OUT_OF_MEMORY;
    *headers = appended;
    AX_SET(AX_CURLOPT_HTTPHEADER, (void *)*headers);
    int is_get = strcmp(request->method, "GET") == 0;
    int is_post = strcmp(request->method, "POST") == 0;
    if (request->has_body) {
        AX_SET(AX_CURLOPT_POSTFIELDSIZE_LARGE, (int64_t)request->body_length);
        AX_SET(AX_CURLOPT_POSTFIELDS, (const void *)(request->body ? (const char *)request->body : ""));
        if (!is_post) AX_SET(AX_CURLOPT_CUSTOMREQUEST, request->method);
    } else if (is_get) {
        AX_SET(AX_CURLOPT_HTTPGET, 1L);
    } else {
        AX_SET(AX_CURLOPT_CUSTOMREQUEST, request->method);
    }
#undef AX_SET
    return AX_CURLE_OK;
}

void axcurl_perform(const axcurl_library *library, const axcurl_request *request, axcurl_reply *reply) {
    memset(reply, 0, sizeof *reply);
    char error_buffer[AX_CURL_ERROR_SIZE] = "";
    void *easy = library->easy_init();
    if (easy == NULL) {
        reply->outcome = AXCURL_FAILED;
        reply->curl_code = AX_CURLE_FAILED_INIT;
        copy_text(reply->error_text, sizeof reply->error_text, "curl_easy_init failed");
        return;
    }
    struct ax_curl_slist *headers = NULL;
    reply_buffer buffer = {.maximum = request->maximum_reply_size};
    int code = configure(library, easy, request, &headers, &buffer, error_buffer);
    if (code == AX_CURLE_OK && request->cancel && __atomic_load_n(&request->cancel->value, __ATOMIC_ACQUIRE)) {
        code = AX_CURLE_ABORTED_BY_CALLBACK;  // Cancelled before it started: nothing is sent.
    }
    if (code == AX_CURLE_OK) code = library->easy_perform(easy);
    long status = 0;
    if (code == AX_CURLE_OK) code = library->easy_getinfo(easy, AX_CURLINFO_RESPONSE_CODE, &status);
    if (code == AX_CURLE_OK) {
        reply->outcome = AXCURL_REPLIED;
        reply->status = status;
        reply->body = buffer.data;
        reply->body_length = buffer.length;
        buffer.data = NULL;
    } else if ((code == AX_CURLE_WRITE_ERROR && buffer.too_large) || code == AX_CURLE_FILESIZE_EXCEEDED) {
        reply->outcome = AXCURL_TOO_LARGE;
        reply->curl_code = code;
    } else {
        reply->outcome = AXCURL_FAILED;
        reply->curl_code = code;
        copy_text(reply->error_text, sizeof reply->error_text, error_buffer[0] ? error_buffer : library->easy_strerror(code));
    }
    free(buffer.data);
    library->easy_cleanup(easy);
    if (headers) library->slist_free_all(headers);
}

void axcurl_reply_free(axcurl_reply *reply) {
    free(reply->body);
    reply->body = NULL;
    reply->body_length = 0;
}

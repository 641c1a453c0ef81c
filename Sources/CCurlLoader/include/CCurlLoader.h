// CCurlLoader: one HTTP exchange through libcurl, loaded with dlopen the first time a request is made.
//
// Why: linking libcurl (directly, or through FoundationNetworking) makes the dynamic loader map and relocate libcurl
// and the ~29 libraries it needs (TLS, Kerberos, LDAP, ICU, HTTP/2, ...) at every start of every command, although
// only the licensing service calls (a few a day) use the network. Loading it on first use keeps every other command's
// start as cheap as before the client existed. See Docs/architecture.md, "How the licensing service client reaches
// the network".

#ifndef CCURLLOADER_H
#define CCURLLOADER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A loaded libcurl: its handle and the functions the exchange uses. Lives until the process ends.
typedef struct axcurl_library axcurl_library;

/// Why `axcurl_load` found no usable libcurl.
typedef enum {
    /// None of the names could be opened (not installed).
    AXCURL_LOAD_NOT_FOUND = 1,
    /// A library was opened but lacks a function the exchange needs (not libcurl, or far too old).
    AXCURL_LOAD_SYMBOL_MISSING = 2,
    /// `curl_global_init` failed.
    AXCURL_LOAD_INIT_FAILED = 3,
} axcurl_load_failure;

/// Opens the first of `names` that `dlopen` finds (`libcurl.so.4`, then `libcurl.so`, say), resolves the functions
/// the exchange uses and runs `curl_global_init` once for that library. Thread-safe; loading the same library again
/// returns the same value without a second `curl_global_init`. On failure returns NULL, sets `*failure` and writes a
/// description into `detail`: the loader's own words for the first name (not found), `NAME lacks SYMBOL`, or the code
/// `curl_global_init` returned.
const axcurl_library *_Nullable axcurl_load(const char *_Nonnull const *_Nonnull names, size_t name_count,
                                            axcurl_load_failure *_Nonnull failure, char *_Nonnull detail, size_t detail_size);

/// A flag another thread sets to stop an exchange under way (the caller's task was cancelled).
typedef struct {
    int value;
} axcurl_cancel_flag;

/// Sets `flag`: the exchange watching it stops within about a second, with `CURLE_ABORTED_BY_CALLBACK`.
void axcurl_cancel(axcurl_cancel_flag *_Nonnull flag);

/// One request.
typedef struct {
    /// `GET`, `POST`, ...
    const char *_Nonnull method;
    /// The full URL; only `http` and `https` are allowed (anything else fails with `CURLE_UNSUPPORTED_PROTOCOL`).
    const char *_Nonnull url;
    /// Request headers, each `Name: value`.
    const char *_Nonnull const *_Nullable headers;
    size_t header_count;
    /// The body, or NULL with `has_body` 0 for none.
    const uint8_t *_Nullable body;
    size_t body_length;
    int has_body;
    /// Milliseconds the whole exchange (name lookup, connect, TLS, send, reply) may take.
    long timeout_ms;
    /// Largest reply body accepted, in bytes; the transfer stops as soon as the reply is known to be larger.
    size_t maximum_reply_size;
    /// When set (`axcurl_cancel`), the exchange stops; NULL for none.
    axcurl_cancel_flag *_Nullable cancel;
} axcurl_request;

/// How an exchange ended.
typedef enum {
    /// A reply arrived: `status` and `body` hold it (whatever the status, 3xx included: redirects are not followed).
    AXCURL_REPLIED = 0,
    /// libcurl failed: `curl_code` is its `CURLcode`, `error_text` its words.
    AXCURL_FAILED = 1,
    /// The reply body is larger than `maximum_reply_size`; the transfer was stopped.
    AXCURL_TOO_LARGE = 2,
} axcurl_outcome;

/// The result of one exchange. Release `body` with `axcurl_reply_free`.
typedef struct {
    axcurl_outcome outcome;
    /// The HTTP status code when `outcome` is `AXCURL_REPLIED`.
    long status;
    /// The reply body (malloc'ed; NULL when empty).
    uint8_t *_Nullable body;
    size_t body_length;
    /// libcurl's `CURLcode` when `outcome` is `AXCURL_FAILED`, else 0.
    int curl_code;
    /// libcurl's error text (its error buffer, else `curl_easy_strerror`), NUL-terminated.
    char error_text[256];
} axcurl_reply;

/// Performs one exchange with `library` and blocks until it ends (at most `timeout_ms`, plus libcurl's cleanup).
/// Redirects are not followed, no cookie is kept or sent, TLS is verified against the system's certificate store
/// (libcurl's defaults, which nothing here weakens), and signals are not used (`CURLOPT_NOSIGNAL`), so any thread may
/// call it.
void axcurl_perform(const axcurl_library *_Nonnull library, const axcurl_request *_Nonnull request, axcurl_reply *_Nonnull reply);

/// Releases the body of `reply`.
void axcurl_reply_free(axcurl_reply *_Nonnull reply);

#ifdef __cplusplus
}
#endif

#endif

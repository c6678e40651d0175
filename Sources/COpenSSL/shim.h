#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <sys/socket.h>

/* ---- TLS server helpers (FirebreakHTTP): macros Swift cannot import, and C callbacks. ---- */

static inline int firebreak_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

static inline int firebreak_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

static inline int firebreak_SSL_CTX_set1_groups_list(SSL_CTX *ctx, const char *groups) {
    return (int)SSL_CTX_set1_groups_list(ctx, groups);
}

static inline int firebreak_SSL_CTX_add1_chain_cert(SSL_CTX *ctx, X509 *certificate) {
    return (int)SSL_CTX_add1_chain_cert(ctx, certificate);
}

/* SNI for a client (the tests' TLS client). */
static inline int firebreak_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

/* Partial writes (a large response goes out record by record as the socket takes it), a write buffer that
   may move between retries (Swift arrays), and buffers released while a connection is idle. */
static inline void firebreak_SSL_CTX_set_server_modes(SSL_CTX *ctx) {
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
}

/* No renegotiation, no compression, the server's cipher order, and a peer's missing close_notify read as an
   end of file (HTTP framing detects truncation). */
static inline void firebreak_SSL_CTX_set_server_options(SSL_CTX *ctx) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE
                                 | SSL_OP_IGNORE_UNEXPECTED_EOF);
}

/* ALPN: select http/1.1 when offered; a client that offers only other protocols (h2) gets the fatal
   no_application_protocol alert (RFC 7301, 3.2); a client that offers none gets no ALPN. */
static inline int firebreak_alpn_select_http11(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                                               const unsigned char *in, unsigned int inlen, void *arg) {
    static const unsigned char http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    unsigned char *selected = NULL;
    unsigned char length = 0;
    (void)ssl;
    (void)arg;
    if (SSL_select_next_proto(&selected, &length, http11, sizeof http11, in, inlen) == OPENSSL_NPN_NEGOTIATED) {
        *out = selected;
        *outlen = length;
        return SSL_TLSEXT_ERR_OK;
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

static inline void firebreak_SSL_CTX_select_http11(SSL_CTX *ctx) {
    SSL_CTX_set_alpn_select_cb(ctx, firebreak_alpn_select_http11, NULL);
}

/* The socket BIO's write with MSG_NOSIGNAL: a peer that went away gives EPIPE, never SIGPIPE. */
static inline int firebreak_socket_bio_write(BIO *bio, const char *data, int length) {
    int fd = -1;
    BIO_get_fd(bio, &fd);
    BIO_clear_retry_flags(bio);
    ssize_t written = send(fd, data, (size_t)length, MSG_NOSIGNAL);
    if (written < 0) {
        if (BIO_sock_should_retry(-1)) BIO_set_retry_write(bio);
        return -1;
    }
    return (int)written;
}

/* OpenSSL's socket BIO with `firebreak_socket_bio_write` for writing. Make it once; it is never freed. */
static inline BIO_METHOD *firebreak_socket_bio_method_new(void) {
    const BIO_METHOD *base = BIO_s_socket();
    BIO_METHOD *method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR, "firebreak socket");
    if (method == NULL) return NULL;
    if (!BIO_meth_set_write(method, firebreak_socket_bio_write)
        || !BIO_meth_set_read(method, BIO_meth_get_read(base))
        || !BIO_meth_set_puts(method, BIO_meth_get_puts(base))
        || !BIO_meth_set_ctrl(method, BIO_meth_get_ctrl(base))
        || !BIO_meth_set_create(method, BIO_meth_get_create(base))
        || !BIO_meth_set_destroy(method, BIO_meth_get_destroy(base))) {
        BIO_meth_free(method);
        return NULL;
    }
    return method;
}

/* Attaches `fd` (not closed by OpenSSL) to `ssl` for reading and writing through `method`; 0 on failure. */
static inline int firebreak_SSL_set_socket(SSL *ssl, BIO_METHOD *method, int fd) {
    BIO *bio = BIO_new(method);
    if (bio == NULL) return 0;
    BIO_set_fd(bio, fd, BIO_NOCLOSE);
    SSL_set_bio(ssl, bio, bio);
    return 1;
}

#endif

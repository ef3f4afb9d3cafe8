/* TLS material of the RPC listeners. OpenSSL (gRPC's own TLS library in Debian) only checks
 * the files at start: gRPC would accept a mismatched pair and fail every handshake later. */
#include "rpc_tls.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PEM_MAX_BYTES (1u << 20)

/* The whole file as a NUL-terminated string, or NULL with err. */
static char *read_file(const char *what, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        (size_t)st.st_size > PEM_MAX_BYTES) {
        snprintf(err, errlen, "%s %s: not a regular, non-empty file under 1 MiB", what, path);
        fclose(f);
        return NULL;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    size_t n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (!buf || n != (size_t)st.st_size) {
        snprintf(err, errlen, "%s %s: cannot read it", what, path);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

static void ssl_reason(char *buf, size_t len)
{
    unsigned long e = ERR_get_error();
    if (e)
        ERR_error_string_n(e, buf, len);
    else
        snprintf(buf, len, "no PEM data found");
    ERR_clear_error();
}

int rpc_tls_load(struct rpc_tls *t, const char *cert_file, const char *key_file, char *err,
                 size_t errlen)
{
    memset(t, 0, sizeof(*t));
    if (!cert_file || !key_file) {
        snprintf(err, errlen, "TLS needs both --rpc-tls-cert and --rpc-tls-key");
        return -1;
    }
    t->cert_pem = read_file("--rpc-tls-cert", cert_file, err, errlen);
    if (t->cert_pem)
        t->key_pem = read_file("--rpc-tls-key", key_file, err, errlen);
    if (!t->key_pem) {
        rpc_tls_clear(t);
        return -1;
    }
    int rc = -1;
    char why[256];
    X509 *cert = NULL;
    EVP_PKEY *key = NULL;
    BIO *cb = BIO_new_mem_buf(t->cert_pem, -1);
    BIO *kb = BIO_new_mem_buf(t->key_pem, -1);
    if (!cb || !kb) {
        snprintf(err, errlen, "out of memory reading the TLS files");
        goto out;
    }
    ERR_clear_error();
    if (!(cert = PEM_read_bio_X509(cb, NULL, NULL, NULL))) {
        ssl_reason(why, sizeof(why));
        snprintf(err, errlen, "--rpc-tls-cert %s: not a PEM certificate (%s)", cert_file, why);
        goto out;
    }
    /* A passphrase callback that gives none: an encrypted key is refused, not prompted. */
    if (!(key = PEM_read_bio_PrivateKey(kb, NULL, NULL, (void *)""))) {
        ssl_reason(why, sizeof(why));
        snprintf(err, errlen, "--rpc-tls-key %s: not an unencrypted PEM private key (%s)", key_file,
                 why);
        goto out;
    }
    if (X509_check_private_key(cert, key) != 1) {
        ERR_clear_error();
        snprintf(err, errlen, "--rpc-tls-key %s does not belong to the certificate in %s", key_file,
                 cert_file);
        goto out;
    }
    rc = 0;
out:
    X509_free(cert);
    EVP_PKEY_free(key);
    BIO_free(cb);
    BIO_free(kb);
    if (rc != 0)
        rpc_tls_clear(t);
    return rc;
}

void rpc_tls_clear(struct rpc_tls *t)
{
    if (t->key_pem)
        OPENSSL_cleanse(t->key_pem, strlen(t->key_pem));
    free(t->cert_pem);
    free(t->key_pem);
    t->cert_pem = t->key_pem = NULL;
}

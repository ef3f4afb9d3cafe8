/* TLS for the RPC listeners: --rpc-tls-cert / --rpc-tls-key (PEM) checked at start and
 * turned into gRPC server credentials. */
#ifndef NTOP_RPC_TLS_H
#define NTOP_RPC_TLS_H

#include <stddef.h>

/* A certificate chain and its private key, read and checked. */
struct rpc_tls {
    char *cert_pem;
    char *key_pem;
};

/* Reads both files (cert_file: the certificate first, then any chain; key_file: its
 * private key, unencrypted) and checks they are PEM and that the key belongs to the
 * certificate. 0, or -1 with a message naming the file in err. Main thread, at start. */
int rpc_tls_load(struct rpc_tls *t, const char *cert_file, const char *key_file, char *err,
                 size_t errlen);

/* Frees what rpc_tls_load read (key bytes are wiped first). */
void rpc_tls_clear(struct rpc_tls *t);

#endif

/* Around grpc_server_add_http2_port, which answers only "port" or "failed": checks before
 * binding and a clear reason after a failure; gRPC's own log routed into the probe's. */
#ifndef NTOP_RPC_LISTEN_H
#define NTOP_RPC_LISTEN_H

#include <stdbool.h>
#include <stddef.h>

/* Refuses what gRPC would silently take over: a unix socket path on which another process
 * is serving (gRPC unlinks any socket file before binding). 0, or -1 with err. */
int rpc_listen_precheck(const char *addr, char *err, size_t errlen);

/* After gRPC failed to listen on addr: binds it ourselves to name the reason ("Address
 * already in use", "Cannot assign requested address", ...), falling back to gRPC's last
 * log line. Writes "cannot listen on ADDR: REASON" into err. */
void rpc_listen_explain(const char *addr, const char *grpc_msg, char *err, size_t errlen);

/* The address as logged: a ":0" port replaced by the port gRPC bound. */
void rpc_listen_display(const char *addr, int port, char *out, size_t outlen);

/* Routes gpr_log into log.h ("grpc: ..."). While capturing (this thread only), messages
 * are kept instead: the last one is returned by rpc_log_capture_end(). Any thread. */
void rpc_log_install(void);
void rpc_log_capture_begin(void);
const char *rpc_log_capture_end(void);

#endif

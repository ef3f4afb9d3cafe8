/* Capture threads: each interface runs a libuv loop on its own thread that reads packets
 * (a pcap file in batches from an idle handle, a live device from a poll handle) and runs
 * calls handed to it by other threads between batches. */
#ifndef NTOP_CAPTURE_H
#define NTOP_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

struct iface;
struct probe;

/* Opens the packet source named by ifc->name (a file if it exists, else a device).
 * Returns 0, or -1 after writing a clear message into err. Main thread, before start. */
int capture_open(struct iface *ifc, char *err, size_t errlen);

/* Starts the interface's thread; 0 or -1. */
int capture_start(struct iface *ifc);

/* Asks the thread to stop and joins it. Safe to call on a stopped interface. */
void capture_stop(struct iface *ifc);

/* Blocks until every file interface has read its whole input, or shutdown is requested.
 * Returns true when all inputs were read. */
bool capture_wait_files_done(struct probe *p);

/* Runs fn(ifc, arg) on the thread that owns ifc and waits for it to return. Runs it in
 * place when called from the owner thread or when the owner thread is not running.
 * Any thread. */
void iface_call(struct iface *ifc, void (*fn)(struct iface *ifc, void *arg), void *arg);

/* Wakes capture_wait_files_done (signal handlers use it through probe_request_shutdown). */
void capture_notify(void);

#endif

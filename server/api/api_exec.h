/* Shared by the bindings that block on the outside world (commands, outbound sockets,
 * privilege API_EXEC): they run on the caller's thread and never on a capture thread. */
#ifndef NTOP_API_EXEC_H
#define NTOP_API_EXEC_H

#include <stdbool.h>

struct probe;

/* Whether the calling thread is one of p's capture threads (false when p is NULL). Any
 * thread. */
bool api_on_capture_thread(const struct probe *p);

#endif

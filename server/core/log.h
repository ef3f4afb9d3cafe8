/* Logging with ntopng's trace levels, so ntop.traceEvent / setLoggingLevel map 1:1. */
#ifndef NTOP_LOG_H
#define NTOP_LOG_H

enum log_level {
    LOG_ERROR = 0,
    LOG_WARNING = 1,
    LOG_NORMAL = 2,
    LOG_INFO = 3,
    LOG_DEBUG = 6,
    LOG_TRACE = 9,
};

/* Messages at or below the current level go to stderr with a timestamp. Thread-safe. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Maps "error", "warning", "normal", "info", "debug", "trace" to a level; -1 if unknown. */
int log_level_from_name(const char *name);

#define log_error(...)   log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_normal(...)  log_msg(LOG_NORMAL, __VA_ARGS__)
#define log_info(...)    log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)   log_msg(LOG_DEBUG, __VA_ARGS__)

#endif

#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <strings.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int current_level = LOG_NORMAL;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *level_tag(enum log_level level)
{
    switch (level) {
    case LOG_ERROR:
        return "ERROR: ";
    case LOG_WARNING:
        return "WARNING: ";
    default:
        return "";
    }
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    if ((int)level > __atomic_load_n(&current_level, __ATOMIC_RELAXED))
        return;
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%d/%b/%Y %H:%M:%S", &tm);

    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&log_lock);
    fprintf(stderr, "%s [ntop-probe] %s", stamp, level_tag(level));
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    pthread_mutex_unlock(&log_lock);
    va_end(ap);
}

void log_set_level(enum log_level level)
{
    __atomic_store_n(&current_level, (int)level, __ATOMIC_RELAXED);
}

enum log_level log_get_level(void)
{
    return (enum log_level)__atomic_load_n(&current_level, __ATOMIC_RELAXED);
}

int log_level_from_name(const char *name)
{
    static const struct {
        const char *name;
        enum log_level level;
    } names[] = {
        {"error",   LOG_ERROR  },
        {"warning", LOG_WARNING},
        {"normal",  LOG_NORMAL },
        {"info",    LOG_INFO   },
        {"debug",   LOG_DEBUG  },
        {"trace",   LOG_TRACE  },
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcasecmp(name, names[i].name) == 0)
            return (int)names[i].level;
    return -1;
}

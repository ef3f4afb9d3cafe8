/* See alert_json.h. Built with memcpy, not snprintf: the writer formats one per flow
 * alert row. */
#include "alert_json.h"

#include <stdlib.h>
#include <string.h>

static char *put(char *o, const char *s)
{
    size_t n = strlen(s);
    memcpy(o, s, n);
    return o + n;
}

/* A JSON string's body: quotes and backslashes escaped, control characters as \u00XX. */
static char *put_escaped(char *o, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            *o++ = '\\';
            *o++ = (char)*p;
        } else if (*p < 0x20) {
            o = put(o, "\\u00");
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        } else {
            *o++ = (char)*p;
        }
    }
    return o;
}

char *alert_json(const char *script_key, const char *subdir, const char *message)
{
    /* The fixed text is 70 bytes with a message; escaping makes a byte at most 6. */
    size_t len = 80 + strlen(script_key) + strlen(subdir) + (message ? 6 * strlen(message) : 0);
    char *s = malloc(len);
    if (!s)
        return NULL;
    char *o = put(s, "{\"alert_generation\":{\"script_key\":\"");
    o = put(o, script_key);
    o = put(o, "\",\"subdir\":\"");
    o = put(o, subdir);
    o = put(o, "\"}");
    if (message) {
        o = put(o, ",\"alert.message\":\"");
        o = put_escaped(o, message);
        *o++ = '"';
    }
    *o++ = '}';
    *o = '\0';
    return s;
}

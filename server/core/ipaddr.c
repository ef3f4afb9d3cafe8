#include "ipaddr.h"

#include <arpa/inet.h>
#include <stdio.h>

int ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b)
{
    if (a->ver != b->ver)
        return a->ver < b->ver ? -1 : 1;
    int c = memcmp(a->b, b->b, 16);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

/* Dotted quad without inet_ntop: glibc formats IPv4 with sprintf, ~1,800 instructions an
 * address, and every host key, alert row and host page formats addresses. */
static char *ipv4_str(const uint8_t *four, char *buf)
{
    char *o = buf;
    for (int i = 0; i < 4; i++) {
        unsigned v = four[i];
        if (v >= 100) {
            *o++ = (char)('0' + v / 100);
            v %= 100;
            *o++ = (char)('0' + v / 10);
        } else if (v >= 10) {
            *o++ = (char)('0' + v / 10);
        }
        *o++ = (char)('0' + v % 10);
        *o++ = i < 3 ? '.' : '\0';
    }
    return buf;
}

char *ipaddr_str(const struct ipaddr *a, char *buf, size_t len)
{
    if (a->ver == 4) {
        if (len >= sizeof("255.255.255.255"))
            return ipv4_str(a->b + 12, buf);
        if (!inet_ntop(AF_INET, a->b + 12, buf, (socklen_t)len))
            snprintf(buf, len, "?");
    } else if (!inet_ntop(AF_INET6, a->b, buf, (socklen_t)len)) {
        snprintf(buf, len, "?");
    }
    return buf;
}

int ipaddr_parse(const char *s, struct ipaddr *out)
{
    uint8_t tmp[16];
    if (inet_pton(AF_INET, s, tmp) == 1) {
        ipaddr_set_v4(out, tmp);
        return 0;
    }
    if (inet_pton(AF_INET6, s, tmp) == 1) {
        ipaddr_set_v6(out, tmp);
        return 0;
    }
    return -1;
}

bool ipaddr_is_multicast(const struct ipaddr *a)
{
    if (a->ver == 4)
        return (a->b[12] & 0xf0) == 0xe0;
    return a->b[0] == 0xff;
}

bool ipaddr_is_broadcast(const struct ipaddr *a)
{
    if (a->ver != 4)
        return false;
    uint32_t v = ipaddr_v4(a);
    return v == 0xffffffffu || v == 0;
}

bool ipaddr_is_private(const struct ipaddr *a)
{
    if (a->ver == 4) {
        uint32_t v = ipaddr_v4(a);
        return (v >> 24) == 10 || (v >> 20) == 0xac1 || (v >> 16) == 0xc0a8;
    }
    return (a->b[0] & 0xfe) == 0xfc;
}

void ipaddr_mask(struct ipaddr *a, int bits)
{
    int width = a->ver == 4 ? 32 : 128;
    int start = a->ver == 4 ? 12 : 0;
    if (bits < 0)
        bits = 0;
    if (bits > width)
        bits = width;
    for (int i = 0; i < width / 8; i++) {
        int keep = bits - i * 8;
        uint8_t m = keep >= 8 ? 0xff : (keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep)));
        a->b[start + i] &= m;
    }
}

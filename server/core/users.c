/* Users, passwords and API tokens in Redis with ntopng's keys (see users.h). */
#include "users.h"

#include "log.h"
#include "md5.h"
#include "probe.h"
#include "redis.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define KEY_USER        "ntopng.user.%s.%s"
#define KEY_USER_IDS    "ntopng.prefs.user_ids"
#define KEY_TOKENS      "ntopng.api_tokens"
#define KEY_TOKEN_INDEX "ntop_probe.api_token_sha256"
#define KEY_FAILED_AUTH "ntopng.cache.failed_logins.%s"
#define MAX_USER_IDS    63 /* ntopng's NTOP_MAX_NUM_USERS */

#define CACHE_SLOTS  64
#define CACHE_TTL_NS (5ull * 1000000000ull)
#define BREAKER_NS   (1000000000ull) /* how long "Redis is down" is believed */

/* Writers run one at a time, like ntopng's users_m, so two adds cannot take one id. */
static pthread_mutex_t users_write_lock = PTHREAD_MUTEX_INITIALIZER;

const char *users_strerror(enum users_status s)
{
    switch (s) {
    case USERS_OK:
        return "ok";
    case USERS_NOT_FOUND:
        return "user not found";
    case USERS_UNAVAILABLE:
        return "the user store (Redis) is not available";
    case USERS_EXISTS:
        return "user already exists";
    case USERS_INVALID:
        return "invalid user name, role or networks";
    case USERS_FULL:
        return "too many users";
    }
    return "error";
}

/* ------------------------------------------------------------------------------------ */
/* Redis helpers: each returns a negative users_status when Redis cannot be had.          */

static _Atomic uint64_t redis_down_until; /* monotonic ns; 0 = believed up */

static void note_redis_down(const char *err)
{
    uint64_t now = probe_mono_ns();
    if (atomic_exchange(&redis_down_until, now + BREAKER_NS) < now)
        log_warning("users: %s", err);
}

static __thread char users_err[256];

/* The reply, or NULL for no connection (Redis noted down) or an error reply. */
static redisReply *checked(redisReply *r)
{
    if (!r) {
        note_redis_down(users_err);
        return NULL;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        log_warning("users: redis: %.*s", (int)r->len, r->str);
        freeReplyObject(r);
        return NULL;
    }
    return r;
}

#define RCMD(...) checked(redis_command(users_err, sizeof(users_err), __VA_ARGS__))

/* Runs a command whose reply does not matter; USERS_OK or USERS_UNAVAILABLE. */
#define RDO(...) rdo(RCMD(__VA_ARGS__))
static enum users_status rdo(redisReply *r)
{
    if (!r)
        return USERS_UNAVAILABLE;
    freeReplyObject(r);
    return USERS_OK;
}

static void user_key(char *buf, size_t len, const char *name, const char *field)
{
    snprintf(buf, len, KEY_USER, name, field);
}

/* GET ntopng.user.<name>.<field> into buf: 1 set, 0 absent, or USERS_UNAVAILABLE. */
static int get_field(const char *name, const char *field, char *buf, size_t len)
{
    char key[256];
    user_key(key, sizeof(key), name, field);
    redisReply *r = RCMD("GET %s", key);
    if (!r)
        return USERS_UNAVAILABLE;
    int rc = 0;
    if (len)
        buf[0] = '\0';
    if (r->type == REDIS_REPLY_STRING) {
        if (len)
            snprintf(buf, len, "%.*s", (int)r->len, r->str);
        rc = 1;
    }
    freeReplyObject(r);
    return rc;
}

static enum users_status set_field(const char *name, const char *field, const char *value)
{
    char key[256];
    user_key(key, sizeof(key), name, field);
    return RDO("SET %s %s", key, value);
}

static enum users_status del_field(const char *name, const char *field)
{
    char key[256];
    user_key(key, sizeof(key), name, field);
    return RDO("DEL %s", key);
}

/* ------------------------------------------------------------------------------------ */
/* Secrets                                                                              */

static void hex_of(const uint8_t *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

/* n random bytes as hex into out[2n + 1]; 0 or -1. */
static int random_hex(size_t n, char *out)
{
    uint8_t b[64];
    if (n > sizeof(b))
        return -1;
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(b + got, n - got, 0);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    hex_of(b, n, out);
    OPENSSL_cleanse(b, sizeof(b));
    return 0;
}

static void token_digest(const char *token, uint8_t d[SHA256_DIGEST_LENGTH])
{
    SHA256((const unsigned char *)token, strlen(token), d);
}

static void token_digest_hex(const char *token, char out[2 * SHA256_DIGEST_LENGTH + 1])
{
    uint8_t d[SHA256_DIGEST_LENGTH];
    token_digest(token, d);
    hex_of(d, sizeof(d), out);
}

/* Constant time in the content (the lengths are not secret). */
static bool secret_eq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    return la == lb && CRYPTO_memcmp(a, b, la) == 0;
}

/* A yescrypt hash of password into out[CRYPT_OUTPUT_SIZE]; 0 or -1. */
static int password_hash(const char *password, char *out)
{
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn("$y$", 0, NULL, 0, setting, sizeof(setting)))
        return -1;
    struct crypt_data *cd = calloc(1, sizeof(*cd));
    if (!cd)
        return -1;
    const char *h = crypt_rn(password, setting, cd, sizeof(*cd));
    int rc = -1;
    if (h && h[0] == '$') {
        snprintf(out, CRYPT_OUTPUT_SIZE, "%s", h);
        rc = 0;
    }
    OPENSSL_cleanse(cd, sizeof(*cd));
    free(cd);
    return rc;
}

static bool is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
              (s[i] >= 'A' && s[i] <= 'F')))
            return false;
    return s[n] == '\0';
}

static bool password_matches(const char *password, const char *stored)
{
    if (stored[0] == '$') {
        struct crypt_data *cd = calloc(1, sizeof(*cd));
        if (!cd)
            return false;
        const char *h = crypt_rn(password, stored, cd, sizeof(*cd));
        bool ok = h && h[0] == '$' && secret_eq(h, stored);
        OPENSSL_cleanse(cd, sizeof(*cd));
        free(cd);
        return ok;
    }
    if (is_hex(stored, 32)) { /* a user made by ntopng: unsalted MD5 (mg_md5) */
        char hex[33];
        md5_hex(password, strlen(password), hex);
        char lower[33];
        for (int i = 0; i < 33; i++)
            lower[i] = (char)((stored[i] >= 'A' && stored[i] <= 'F') ? stored[i] + 32 : stored[i]);
        return secret_eq(hex, lower);
    }
    return false;
}

/* ------------------------------------------------------------------------------------ */
/* Identities                                                                           */

bool users_valid_name(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > USER_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '@' || c == '-'))
            return false;
    }
    return true;
}

static bool valid_group(const char *g)
{
    return g && (strcmp(g, USER_GROUP_ADMIN) == 0 || strcmp(g, USER_GROUP_UNPRIVILEGED) == 0);
}

/* Parses ntopng's allowed_nets ("CIDR,CIDR", IPs allowed). Invalid entries are skipped as
 * ntopng does; returns the number of invalid ones. "" (or only blanks) = every network. */
static int parse_nets(const char *spec, struct netlist *nl)
{
    memset(nl, 0, sizeof(*nl));
    char buf[4096];
    snprintf(buf, sizeof(buf), "%s", spec);
    int tokens = 0, bad = 0;
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ' || *t == '\t')
            t++;
        char *end = t + strlen(t);
        while (end > t && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        if (!*t)
            continue;
        tokens++;
        if (nl->count >= NETLIST_MAX) {
            bad++;
            continue;
        }
        struct local_net *ln = &nl->nets[nl->count];
        if (cidr_parse(t, &ln->base, &ln->bits) != 0) {
            bad++;
            continue;
        }
        snprintf(ln->name, sizeof(ln->name), "%s", t);
        nl->count++;
    }
    if (tokens > 0 && nl->count == 0) {
        /* Restrictions that cannot be read must not widen what the user sees. */
        nl->count = 1;
        nl->nets[0].base.ver = 0;
        nl->nets[0].bits = 128;
        snprintf(nl->nets[0].name, sizeof(nl->nets[0].name), "none");
    }
    return bad;
}

static const char *const identity_fields[] = {
    "group",        "allowed_nets", "allowed_ifname", "allow_pcap", "allow_historical_flow",
    "allow_alerts", "api_token",
};
#define N_IDENTITY_FIELDS (sizeof(identity_fields) / sizeof(identity_fields[0]))

/* Loads a user with one MGET; the stored token (when wanted) into token[len]. */
static enum users_status load_identity(const char *name, struct user_identity *out, char *token,
                                       size_t token_len)
{
    memset(out, 0, sizeof(*out));
    if (!users_valid_name(name))
        return USERS_NOT_FOUND;
    char keys[N_IDENTITY_FIELDS][256];
    const char *argv[N_IDENTITY_FIELDS + 1];
    argv[0] = "MGET";
    for (size_t i = 0; i < N_IDENTITY_FIELDS; i++) {
        user_key(keys[i], sizeof(keys[i]), name, identity_fields[i]);
        argv[i + 1] = keys[i];
    }
    /* Fixed arity: spell the MGET out rather than build a vector API redis.h lacks. */
    redisReply *r = RCMD("MGET %s %s %s %s %s %s %s", argv[1], argv[2], argv[3], argv[4], argv[5],
                         argv[6], argv[7]);
    if (!r)
        return USERS_UNAVAILABLE;
    enum users_status rc = USERS_NOT_FOUND;
    if (r->type != REDIS_REPLY_ARRAY || r->elements != N_IDENTITY_FIELDS)
        goto out;
    redisReply **e = r->element;
    char v[4096];
    /* VAL(i): reply element i as a C string in v (reused by the next VAL), NULL if absent. */
#define VAL(i)                                                                                     \
    (e[i]->type == REDIS_REPLY_STRING                                                              \
         ? (snprintf(v, sizeof(v), "%.*s", (int)e[i]->len, e[i]->str), v)                          \
         : NULL)
    const char *group = VAL(0);
    if (!valid_group(group)) /* absent: no such user; captive portal and others: no access */
        goto out;
    snprintf(out->name, sizeof(out->name), "%s", name);
    out->admin = strcmp(group, USER_GROUP_ADMIN) == 0;
    if (out->admin) {
        /* Administrators see every network and interface and have every capability. */
        out->allow_pcap_download = out->allow_historical_flows = out->allow_alerts = true;
    } else {
        const char *nets = VAL(1);
        if (nets && parse_nets(nets, &out->allowed_nets) > 0)
            log_warning("users: %s: invalid entries in allowed_nets '%s' ignored", name, nets);
        const char *ifname = VAL(2);
        if (ifname && strlen(ifname) < sizeof(out->allowed_ifname))
            memcpy(out->allowed_ifname, ifname, strlen(ifname) + 1);
        else if (ifname) /* too long to hold: no interface has a newline in its name */
            memcpy(out->allowed_ifname, "\n", 2);
        const char *p;
        out->allow_pcap_download = (p = VAL(3)) && strcmp(p, "1") == 0;
        out->allow_historical_flows = (p = VAL(4)) && strcmp(p, "1") == 0;
        out->allow_alerts = (p = VAL(5)) && strcmp(p, "1") == 0;
    }
    if (token && token_len) {
        const char *t = VAL(6);
        /* One that does not fit is never matched (a cut one could be). */
        if (t && strlen(t) < token_len)
            memcpy(token, t, strlen(t) + 1);
        else
            token[0] = '\0';
    }
#undef VAL
    rc = USERS_OK;
out:
    freeReplyObject(r);
    return rc;
}

enum users_status users_identity_for_name(const char *name, struct user_identity *out)
{
    return load_identity(name, out, NULL, 0);
}

/* The token cache: a few seconds, dropped whole by any write of this process. `gen`
 * changes on every flush so a lookup that raced with a write does not store its
 * (possibly stale) result. */
struct cache_slot {
    uint8_t digest[SHA256_DIGEST_LENGTH];
    uint64_t expires_ns; /* 0 = empty */
    struct user_identity id;
};
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cache_slot cache[CACHE_SLOTS];
static uint64_t cache_gen;
static unsigned cache_next; /* round-robin victim */

void users_cache_flush(void)
{
    pthread_mutex_lock(&cache_lock);
    for (int i = 0; i < CACHE_SLOTS; i++)
        cache[i].expires_ns = 0;
    cache_gen++;
    pthread_mutex_unlock(&cache_lock);
}

static bool cache_get(const uint8_t *d, struct user_identity *out, uint64_t *gen)
{
    bool hit = false;
    uint64_t now = probe_mono_ns();
    pthread_mutex_lock(&cache_lock);
    *gen = cache_gen;
    for (int i = 0; i < CACHE_SLOTS && !hit; i++) {
        if (cache[i].expires_ns > now && memcmp(cache[i].digest, d, SHA256_DIGEST_LENGTH) == 0) {
            *out = cache[i].id;
            hit = true;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    return hit;
}

static void cache_put(const uint8_t *d, const struct user_identity *id, uint64_t gen)
{
    uint64_t now = probe_mono_ns();
    pthread_mutex_lock(&cache_lock);
    if (gen == cache_gen) {
        int slot = -1;
        for (int i = 0; i < CACHE_SLOTS && slot < 0; i++)
            if (cache[i].expires_ns <= now)
                slot = i;
        if (slot < 0)
            slot = (int)(cache_next++ % CACHE_SLOTS);
        memcpy(cache[slot].digest, d, SHA256_DIGEST_LENGTH);
        cache[slot].id = *id;
        cache[slot].expires_ns = now + CACHE_TTL_NS;
    }
    pthread_mutex_unlock(&cache_lock);
}

/* A token that is not in our index, such as one ntopng made: scanned for in ntopng's
 * token hash comparing every entry in constant time (Redis is not asked to compare the
 * secret). 1 with the user's name, 0 when absent, or USERS_UNAVAILABLE. */
static int find_unindexed_token(const char *token, char *name, size_t len)
{
    redisReply *r = RCMD("HGETALL %s", KEY_TOKENS);
    if (!r)
        return USERS_UNAVAILABLE;
    int found = 0;
    for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i + 1 < r->elements; i += 2) {
        redisReply *k = r->element[i], *v = r->element[i + 1];
        if (k->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING || v->len >= len ||
            strlen(k->str) != k->len)
            continue;
        if (secret_eq(k->str, token) && !found) { /* no early exit: every entry is compared */
            memcpy(name, v->str, v->len);
            name[v->len] = '\0';
            found = 1;
        }
    }
    freeReplyObject(r);
    return found;
}

enum users_status users_identity_for_token(const char *token, struct user_identity *out)
{
    memset(out, 0, sizeof(*out));
    if (!token || !*token || strlen(token) > 256)
        return USERS_NOT_FOUND;
    uint8_t d[SHA256_DIGEST_LENGTH];
    char dhex[2 * SHA256_DIGEST_LENGTH + 1];
    token_digest(token, d);
    uint64_t gen;
    if (cache_get(d, out, &gen))
        return USERS_OK;
    if (atomic_load(&redis_down_until) > probe_mono_ns())
        return USERS_UNAVAILABLE;
    hex_of(d, sizeof(d), dhex);
    redisReply *r = RCMD("HGET %s %s", KEY_TOKEN_INDEX, dhex);
    if (!r)
        return USERS_UNAVAILABLE;
    char name[USER_NAME_MAX + 1] = "";
    if (r->type == REDIS_REPLY_STRING && r->len <= USER_NAME_MAX)
        snprintf(name, sizeof(name), "%.*s", (int)r->len, r->str);
    freeReplyObject(r);
    bool indexed = name[0] != '\0';
    if (!indexed) {
        int f = find_unindexed_token(token, name, sizeof(name));
        if (f <= 0)
            return f < 0 ? USERS_UNAVAILABLE : USERS_NOT_FOUND;
    }
    char stored[256];
    enum users_status rc = load_identity(name, out, stored, sizeof(stored));
    if (rc == USERS_OK && !secret_eq(stored, token))
        rc = USERS_NOT_FOUND; /* a stale index entry: the user has another token now */
    OPENSSL_cleanse(stored, sizeof(stored));
    if (rc != USERS_OK) {
        memset(out, 0, sizeof(*out));
        return rc;
    }
    if (!indexed) /* a token made by ntopng: index it, the next lookup is direct */
        RDO("HSET %s %s %s", KEY_TOKEN_INDEX, dhex, name);
    cache_put(d, out, gen);
    return USERS_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Visibility                                                                           */

bool user_may_see_ip(const struct user_identity *u, const struct ipaddr *a)
{
    if (!u || u->admin || u->allowed_nets.count == 0)
        return true;
    for (int i = 0; i < u->allowed_nets.count; i++) {
        const struct local_net *n = &u->allowed_nets.nets[i];
        if (n->base.ver == a->ver && cidr_contains(&n->base, n->bits, a))
            return true;
    }
    return false;
}

bool user_may_see_net(const struct user_identity *u, const struct ipaddr *base, int bits)
{
    if (!u || u->admin || u->allowed_nets.count == 0)
        return true;
    for (int i = 0; i < u->allowed_nets.count; i++) {
        const struct local_net *n = &u->allowed_nets.nets[i];
        if (n->base.ver == base->ver && n->bits <= bits && cidr_contains(&n->base, n->bits, base))
            return true;
    }
    return false;
}

/* Exact name: ntopng compares a prefix (strncmp over the allowed name's length), which lets
 * a user allowed "eth1" see "eth10"; here only the named interface is allowed. */
bool user_may_use_iface(const struct user_identity *u, const char *ifname)
{
    if (!u || u->admin || u->allowed_ifname[0] == '\0')
        return true;
    return ifname && strcmp(u->allowed_ifname, ifname) == 0;
}

/* ------------------------------------------------------------------------------------ */
/* Failed authentications                                                               */

static bool failed_auth_key(const char *peer, char *key, size_t len)
{
    if (!peer || !*peer || strlen(peer) > 64)
        return false;
    snprintf(key, len, KEY_FAILED_AUTH, peer);
    return true;
}

void users_note_failed_auth(const char *peer)
{
    char key[128];
    if (!failed_auth_key(peer, key, sizeof(key)))
        return;
    redisReply *r = RCMD("INCR %s", key);
    if (!r)
        return;
    long long n = r->type == REDIS_REPLY_INTEGER ? r->integer : 0;
    freeReplyObject(r);
    RDO("EXPIRE %s %d", key, USERS_FAILED_AUTH_TTL_S);
    if (n == USERS_MAX_FAILED_AUTH)
        log_info("users: %s is now blocked for %d seconds after %d failed authentications", peer,
                 USERS_FAILED_AUTH_TTL_S, USERS_MAX_FAILED_AUTH);
}

void users_clear_failed_auth(const char *peer)
{
    char key[128];
    if (failed_auth_key(peer, key, sizeof(key)))
        RDO("DEL %s", key);
}

bool users_peer_blocked(const char *peer)
{
    char key[128];
    if (!failed_auth_key(peer, key, sizeof(key)))
        return false;
    if (atomic_load(&redis_down_until) > probe_mono_ns())
        return false;
    redisReply *r = RCMD("GET %s", key);
    if (!r)
        return false;
    bool blocked = r->type == REDIS_REPLY_STRING && atoi(r->str) >= USERS_MAX_FAILED_AUTH;
    freeReplyObject(r);
    return blocked;
}

char *users_peer_address(const char *grpc_peer, char *out, size_t outlen)
{
    char buf[256];
    size_t o = 0;
    if (!outlen)
        return out;
    if (!grpc_peer)
        grpc_peer = "";
    if (strncmp(grpc_peer, "unix:", 5) == 0 || strncmp(grpc_peer, "unix-abstract:", 14) == 0) {
        snprintf(out, outlen, "unix");
        return out;
    }
    const char *p = grpc_peer;
    if (strncmp(p, "ipv4:", 5) == 0 || strncmp(p, "ipv6:", 5) == 0)
        p += 5;
    /* URI escapes of gRPC's ipv6 form: %5B..%5D. */
    for (; *p && o + 1 < sizeof(buf); p++) {
        if (p[0] == '%' && p[1] == '5' &&
            (p[2] == 'B' || p[2] == 'b' || p[2] == 'D' || p[2] == 'd')) {
            buf[o++] = (p[2] == 'B' || p[2] == 'b') ? '[' : ']';
            p += 2;
        } else {
            buf[o++] = *p;
        }
    }
    buf[o] = '\0';
    if (buf[0] == '[') {
        char *close = strchr(buf, ']');
        if (close)
            *close = '\0';
        snprintf(out, outlen, "%s", buf + 1);
        return out;
    }
    char *colon = strrchr(buf, ':');
    if (colon && strchr(buf, ':') == colon) /* a v4 address with a port */
        *colon = '\0';
    snprintf(out, outlen, "%s", buf);
    return out;
}

/* ------------------------------------------------------------------------------------ */
/* The store (writers hold users_write_lock, then flush the cache)                      */

int users_exists(const char *name)
{
    if (!users_valid_name(name))
        return 0;
    return get_field(name, "group", NULL, 0);
}

static enum users_status unlock_flush(enum users_status rc)
{
    pthread_mutex_unlock(&users_write_lock);
    users_cache_flush();
    return rc;
}

/* ntopng's user ids: the lowest free id in ntopng.prefs.user_ids (SADD says whether it was
 * free). */
static int assign_user_id(void)
{
    for (int id = 0; id < MAX_USER_IDS; id++) {
        redisReply *r = RCMD("SADD %s %d", KEY_USER_IDS, id);
        if (!r)
            return USERS_UNAVAILABLE;
        long long added = r->type == REDIS_REPLY_INTEGER ? r->integer : 0;
        freeReplyObject(r);
        if (added == 1)
            return id;
    }
    return USERS_FULL;
}

static bool valid_nets(const char *spec)
{
    struct netlist nl;
    return spec && strlen(spec) < 4096 && parse_nets(spec, &nl) == 0;
}

enum users_status users_add(const struct user_new *u)
{
    if (!users_valid_name(u->name) || !valid_group(u->group) || !u->password ||
        !valid_nets(u->allowed_nets ? u->allowed_nets : ""))
        return USERS_INVALID;
    char hash[CRYPT_OUTPUT_SIZE];
    if (password_hash(u->password, hash) != 0)
        return USERS_INVALID;
    pthread_mutex_lock(&users_write_lock);
    int e = users_exists(u->name);
    if (e != 0)
        return unlock_flush(e < 0 ? USERS_UNAVAILABLE : USERS_EXISTS);
    int id = assign_user_id();
    if (id < 0)
        return unlock_flush((enum users_status)id);
    char idbuf[16];
    snprintf(idbuf, sizeof(idbuf), "%d", id);
    const char *n = u->name;
    enum users_status rc = USERS_OK;
    /* The group last: it is what makes the user exist (ntopng's existsUser). */
    if (rc == USERS_OK)
        rc = set_field(n, "full_name", u->full_name ? u->full_name : "");
    if (rc == USERS_OK)
        rc = set_field(n, "user_id", idbuf);
    if (rc == USERS_OK)
        rc = set_field(n, "password", hash);
    if (rc == USERS_OK)
        rc = set_field(n, "allowed_nets", u->allowed_nets ? u->allowed_nets : "");
    if (rc == USERS_OK)
        rc = set_field(n, "theme", "");
    if (rc == USERS_OK)
        rc = set_field(n, "date_format", "");
    if (rc == USERS_OK && u->language && u->language[0])
        rc = set_field(n, "language", u->language);
    if (rc == USERS_OK && u->allow_pcap_download)
        rc = set_field(n, "allow_pcap", "1");
    if (rc == USERS_OK && u->allow_historical_flows)
        rc = set_field(n, "allow_historical_flow", "1");
    if (rc == USERS_OK && u->allow_alerts)
        rc = set_field(n, "allow_alerts", "1");
    if (rc == USERS_OK && u->allowed_ifname && u->allowed_ifname[0])
        rc = set_field(n, "allowed_ifname", u->allowed_ifname);
    if (rc == USERS_OK && u->host_pool_id && u->host_pool_id[0])
        rc = set_field(n, "host_pool_id", u->host_pool_id);
    if (rc == USERS_OK)
        rc = set_field(n, "group", u->group);
    OPENSSL_cleanse(hash, sizeof(hash));
    return unlock_flush(rc);
}

/* Removes a token from both token hashes. */
static void drop_token(const char *token)
{
    char dhex[2 * SHA256_DIGEST_LENGTH + 1];
    token_digest_hex(token, dhex);
    RDO("HDEL %s %s", KEY_TOKEN_INDEX, dhex);
    RDO("HDEL %s %s", KEY_TOKENS, token);
}

static const char *const user_fields[] = {
    "full_name",    "group",        "user_id",
    "password",     "allowed_nets", "allowed_ifname",
    "language",     "allow_pcap",   "allow_historical_flow",
    "allow_alerts", "host_pool_id", "theme",
    "date_format",  "expire",       "capabilities",
    "api_token",
};

enum users_status users_delete(const char *name)
{
    if (!users_valid_name(name))
        return USERS_NOT_FOUND;
    pthread_mutex_lock(&users_write_lock);
    int e = users_exists(name);
    if (e <= 0)
        return unlock_flush(e < 0 ? USERS_UNAVAILABLE : USERS_NOT_FOUND);
    /* The group first: from here on the user does not exist, nor does its token work. */
    enum users_status rc = del_field(name, "group");
    char buf[256];
    if (rc == USERS_OK && get_field(name, "user_id", buf, sizeof(buf)) == 1)
        RDO("SREM %s %s", KEY_USER_IDS, buf);
    if (rc == USERS_OK && get_field(name, "api_token", buf, sizeof(buf)) == 1 && buf[0])
        drop_token(buf);
    for (size_t i = 0; rc == USERS_OK && i < sizeof(user_fields) / sizeof(user_fields[0]); i++)
        rc = del_field(name, user_fields[i]);
    return unlock_flush(rc);
}

enum users_status users_set_field(const char *name, const char *field, const char *value)
{
    static const char *const settable[] = {
        "full_name",    "group",      "allowed_nets",          "allowed_ifname", "language",
        "host_pool_id", "allow_pcap", "allow_historical_flow", "allow_alerts",
    };
    bool known = false;
    for (size_t i = 0; i < sizeof(settable) / sizeof(settable[0]); i++)
        known = known || strcmp(field, settable[i]) == 0;
    if (!known || !users_valid_name(name))
        return USERS_INVALID;
    if (strcmp(field, "group") == 0 && !valid_group(value))
        return USERS_INVALID;
    if (strcmp(field, "allowed_nets") == 0 && !valid_nets(value ? value : ""))
        return USERS_INVALID;
    if (!value && strncmp(field, "allow_", 6) != 0)
        return USERS_INVALID;
    pthread_mutex_lock(&users_write_lock);
    int e = users_exists(name);
    if (e <= 0)
        return unlock_flush(e < 0 ? USERS_UNAVAILABLE : USERS_NOT_FOUND);
    /* As ntopng: an empty interface, language or pool, or a withdrawn permission, deletes
     * the key; full name, group and networks are stored as given. */
    bool del = !value || (!value[0] &&
                          (strcmp(field, "allowed_ifname") == 0 || strcmp(field, "language") == 0 ||
                           strcmp(field, "host_pool_id") == 0));
    enum users_status rc = del ? del_field(name, field) : set_field(name, field, value);
    return unlock_flush(rc);
}

enum users_status users_set_password(const char *name, const char *password)
{
    if (!users_valid_name(name) || !password)
        return USERS_INVALID;
    char hash[CRYPT_OUTPUT_SIZE];
    if (password_hash(password, hash) != 0)
        return USERS_INVALID;
    pthread_mutex_lock(&users_write_lock);
    int e = users_exists(name);
    enum users_status rc = e < 0 ? USERS_UNAVAILABLE : e == 0 ? USERS_NOT_FOUND : USERS_OK;
    if (rc == USERS_OK)
        rc = set_field(name, "password", hash);
    OPENSSL_cleanse(hash, sizeof(hash));
    return unlock_flush(rc);
}

enum users_status users_check_password(const char *name, const char *password)
{
    if (!users_valid_name(name) || !password)
        return USERS_NOT_FOUND;
    char stored[CRYPT_OUTPUT_SIZE];
    int e = users_exists(name);
    if (e <= 0)
        return e < 0 ? USERS_UNAVAILABLE : USERS_NOT_FOUND;
    int g = get_field(name, "password", stored, sizeof(stored));
    if (g < 0)
        return USERS_UNAVAILABLE;
    bool ok = g == 1 && password_matches(password, stored);
    return ok ? USERS_OK : USERS_NOT_FOUND;
}

/* Under users_write_lock. */
static enum users_status create_token_locked(const char *name, char *token)
{
    int e = users_exists(name);
    if (e <= 0)
        return e < 0 ? USERS_UNAVAILABLE : USERS_NOT_FOUND;
    char old[256];
    int g = get_field(name, "api_token", old, sizeof(old));
    if (g < 0)
        return USERS_UNAVAILABLE;
    char fresh[USER_TOKEN_HEX + 1], dhex[2 * SHA256_DIGEST_LENGTH + 1];
    if (random_hex(USER_TOKEN_HEX / 2, fresh) != 0)
        return USERS_UNAVAILABLE;
    token_digest_hex(fresh, dhex);
    /* The per-user key first: the old token fails its compare from this moment. */
    enum users_status rc = set_field(name, "api_token", fresh);
    if (rc == USERS_OK)
        rc = RDO("HSET %s %s %s", KEY_TOKEN_INDEX, dhex, name);
    if (rc == USERS_OK)
        rc = RDO("HSET %s %s %s", KEY_TOKENS, fresh, name);
    if (rc == USERS_OK && g == 1 && old[0])
        drop_token(old);
    if (rc == USERS_OK)
        memcpy(token, fresh, sizeof(fresh));
    OPENSSL_cleanse(fresh, sizeof(fresh));
    return rc;
}

enum users_status users_create_token(const char *name, char *token)
{
    if (!users_valid_name(name))
        return USERS_NOT_FOUND;
    pthread_mutex_lock(&users_write_lock);
    return unlock_flush(create_token_locked(name, token));
}

enum users_status users_get_token(const char *name, char *buf, size_t len)
{
    if (!users_valid_name(name))
        return USERS_NOT_FOUND;
    int e = users_exists(name);
    if (e <= 0)
        return e < 0 ? USERS_UNAVAILABLE : USERS_NOT_FOUND;
    int g = get_field(name, "api_token", buf, len);
    if (g < 0)
        return USERS_UNAVAILABLE;
    return g == 1 && buf[0] ? USERS_OK : USERS_NOT_FOUND;
}

enum users_status users_create_admin(const char *name, char *token)
{
    if (!users_valid_name(name))
        return USERS_INVALID;
    /* Token auth needs no password: a random one nobody knows, so the account cannot be
     * used with a guessed or default password. */
    char password[33];
    if (random_hex(16, password) != 0)
        return USERS_UNAVAILABLE;
    int e = users_exists(name);
    enum users_status rc;
    if (e < 0) {
        rc = USERS_UNAVAILABLE;
    } else if (e == 0) {
        struct user_new u = {
            .name = name,
            .full_name = name,
            .password = password,
            .group = USER_GROUP_ADMIN,
            .allowed_nets = USERS_ALL_NETS,
            .allowed_ifname = "",
        };
        rc = users_add(&u);
    } else {
        rc = users_set_field(name, "group", USER_GROUP_ADMIN);
        if (rc == USERS_OK)
            rc = users_set_password(name, password);
    }
    OPENSSL_cleanse(password, sizeof(password));
    if (rc == USERS_OK)
        rc = users_create_token(name, token);
    return rc;
}

/* C values to and from the wire (ntop.v1.Value), and ntop_client_call on top of the raw call. */
#include "client_internal.h"

#include <ctype.h>
#include <stddef.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- C -> wire ---- */

static Ntop__V1__Value *to_wire(const struct ntop_value *v, struct wire_arena *a,
                                const struct wire_limits *lim, uint32_t depth, uint32_t *elements,
                                char *err, size_t errlen);

static Ntop__V1__Table *table_to_wire(const struct ntop_value *v, struct wire_arena *a,
                                      const struct wire_limits *lim, uint32_t depth,
                                      uint32_t *elements, char *err, size_t errlen)
{
    if (depth >= lim->max_depth) {
        snprintf(err, errlen, "tables nested deeper than %u levels", lim->max_depth);
        return NULL;
    }
    const size_t na = v->table.n_array, ne = v->table.n_entries;
    if (na + ne > lim->max_elements) {
        snprintf(err, errlen, "more than %u values in one message", lim->max_elements);
        return NULL;
    }
    Ntop__V1__Table *t = wire_arena_alloc(a, sizeof(*t));
    if (!t || (na && !(t->array = wire_arena_alloc(a, na * sizeof(*t->array)))) ||
        (ne && !(t->entries = wire_arena_alloc(a, ne * sizeof(*t->entries))))) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    Ntop__V1__Value **array = t->array;
    Ntop__V1__Entry **entries = t->entries;
    ntop__v1__table__init(t);
    t->array = array;
    t->entries = entries;
    for (size_t i = 0; i < na; i++) {
        if (!(t->array[i] = to_wire(&v->table.array[i], a, lim, depth + 1, elements, err, errlen)))
            return NULL;
        t->n_array++;
    }
    for (size_t i = 0; i < ne; i++) {
        const struct ntop_entry *e = &v->table.entries[i];
        if (e->key.type == NTOP_TNIL || (e->key.type == NTOP_TNUMBER && isnan(e->key.number))) {
            snprintf(err, errlen, "table key is %s", e->key.type == NTOP_TNIL ? "nil" : "NaN");
            return NULL;
        }
        Ntop__V1__Entry *we = wire_arena_alloc(a, sizeof(*we));
        if (!we) {
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
        ntop__v1__entry__init(we);
        if (!(we->key = to_wire(&e->key, a, lim, depth + 1, elements, err, errlen)) ||
            !(we->value = to_wire(&e->value, a, lim, depth + 1, elements, err, errlen)))
            return NULL;
        t->entries[t->n_entries++] = we;
    }
    return t;
}

static Ntop__V1__Value *to_wire(const struct ntop_value *v, struct wire_arena *a,
                                const struct wire_limits *lim, uint32_t depth, uint32_t *elements,
                                char *err, size_t errlen)
{
    if (++*elements > lim->max_elements) {
        snprintf(err, errlen, "more than %u values in one message", lim->max_elements);
        return NULL;
    }
    Ntop__V1__Value *w = wire_arena_alloc(a, sizeof(*w));
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ntop__v1__value__init(w);
    switch (v->type) {
    case NTOP_TNIL:
        w->kind_case = NTOP__V1__VALUE__KIND_NIL;
        w->nil = 1;
        return w;
    case NTOP_TBOOLEAN:
        w->kind_case = NTOP__V1__VALUE__KIND_BOOLEAN;
        w->boolean = v->boolean;
        return w;
    case NTOP_TINTEGER:
        w->kind_case = NTOP__V1__VALUE__KIND_INTEGER;
        w->integer = v->integer;
        return w;
    case NTOP_TNUMBER:
        w->kind_case = NTOP__V1__VALUE__KIND_NUMBER;
        w->number = v->number;
        return w;
    case NTOP_TSTRING:
        if (!v->string.data && v->string.len) {
            snprintf(err, errlen, "string without bytes");
            return NULL;
        }
        w->kind_case = NTOP__V1__VALUE__KIND_STRING;
        w->string.data = (uint8_t *)v->string.data; /* borrowed until packed */
        w->string.len = v->string.len;
        return w;
    case NTOP_TTABLE:
        w->kind_case = NTOP__V1__VALUE__KIND_TABLE;
        w->table = table_to_wire(v, a, lim, depth, elements, err, errlen);
        return w->table ? w : NULL;
    default:
        snprintf(err, errlen, "unknown value type %d", (int)v->type);
        return NULL;
    }
}

Ntop__V1__Value *ntop_value_to_wire(const struct ntop_value *v, struct wire_arena *arena,
                                    const struct wire_limits *lim, uint32_t *elements, char *err,
                                    size_t errlen)
{
    return to_wire(v, arena, lim, 0, elements, err, errlen);
}

/* ---- wire -> C ---- */

static int from_wire(struct ntop_value *out, const Ntop__V1__Value *w,
                     const struct wire_limits *lim, uint32_t depth, uint32_t *elements, char *err,
                     size_t errlen);

/* A float key with an integer value is that integer, as in Lua (2.0 is the key 2). */
void ntop_normalize_key(struct ntop_value *k)
{
    if (k->type == NTOP_TNUMBER && floor(k->number) == k->number &&
        k->number >= -9223372036854775808.0 && k->number < 9223372036854775808.0) {
        int64_t i = (int64_t)k->number;
        k->type = NTOP_TINTEGER;
        k->integer = i;
    }
}

static int table_from_wire(struct ntop_value *out, const Ntop__V1__Table *t,
                           const struct wire_limits *lim, uint32_t depth, uint32_t *elements,
                           char *err, size_t errlen)
{
    out->type = NTOP_TTABLE;
    if (!t)
        return 0;
    if (depth >= lim->max_depth) {
        snprintf(err, errlen, "tables nested deeper than %u levels", lim->max_depth);
        return NTOP_ELIMIT;
    }
    if (t->records) {
        if (t->n_array || t->n_entries) {
            snprintf(err, errlen, "table with both records and other keys");
            return NTOP_EINVAL;
        }
        return ntop_records_from_wire(out, t->records, lim, depth, elements, err, errlen);
    }
    if (t->n_array + t->n_entries > lim->max_elements) {
        snprintf(err, errlen, "more than %u values in one message", lim->max_elements);
        return NTOP_ELIMIT;
    }
    if (t->n_array && !(out->table.array = calloc(t->n_array, sizeof(*out->table.array))))
        goto oom;
    out->table.cap_array = t->n_array;
    for (size_t i = 0; i < t->n_array; i++) {
        int rc =
            from_wire(&out->table.array[i], t->array[i], lim, depth + 1, elements, err, errlen);
        if (rc != 0)
            return rc;
        out->table.n_array++;
    }
    if (t->n_entries && !(out->table.entries = calloc(t->n_entries, sizeof(*out->table.entries))))
        goto oom;
    out->table.cap_entries = t->n_entries;
    for (size_t i = 0; i < t->n_entries; i++) {
        const Ntop__V1__Entry *e = t->entries[i];
        struct ntop_entry *d = &out->table.entries[out->table.n_entries];
        if (!e || !e->key || e->key->kind_case == NTOP__V1__VALUE__KIND_NIL ||
            e->key->kind_case == NTOP__V1__VALUE__KIND__NOT_SET ||
            (e->key->kind_case == NTOP__V1__VALUE__KIND_NUMBER && isnan(e->key->number))) {
            snprintf(err, errlen, "table entry without a valid key");
            return NTOP_EINVAL;
        }
        int rc = from_wire(&d->key, e->key, lim, depth + 1, elements, err, errlen);
        if (rc == 0 &&
            (rc = from_wire(&d->value, e->value, lim, depth + 1, elements, err, errlen)) != 0)
            ntop_value_clear(&d->key);
        if (rc != 0)
            return rc;
        if (d->value.type == NTOP_TNIL) { /* t[k] = nil stores nothing in Lua either */
            ntop_value_clear(&d->key);
            continue;
        }
        ntop_normalize_key(&d->key);
        out->table.n_entries++;
    }
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return NTOP_ENOMEM;
}

static int from_wire(struct ntop_value *out, const Ntop__V1__Value *w,
                     const struct wire_limits *lim, uint32_t depth, uint32_t *elements, char *err,
                     size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (++*elements > lim->max_elements) {
        snprintf(err, errlen, "more than %u values in one message", lim->max_elements);
        return NTOP_ELIMIT;
    }
    if (!w)
        return 0;
    switch (w->kind_case) {
    case NTOP__V1__VALUE__KIND__NOT_SET:
    case NTOP__V1__VALUE__KIND_NIL:
        return 0;
    case NTOP__V1__VALUE__KIND_BOOLEAN:
        out->type = NTOP_TBOOLEAN;
        out->boolean = w->boolean;
        return 0;
    case NTOP__V1__VALUE__KIND_INTEGER:
        out->type = NTOP_TINTEGER;
        out->integer = w->integer;
        return 0;
    case NTOP__V1__VALUE__KIND_NUMBER:
        out->type = NTOP_TNUMBER;
        out->number = w->number;
        return 0;
    case NTOP__V1__VALUE__KIND_STRING:
        if (ntop_string_init(out, w->string.data, w->string.len) != 0) {
            snprintf(err, errlen, "out of memory");
            return NTOP_ENOMEM;
        }
        return 0;
    case NTOP__V1__VALUE__KIND_TABLE: {
        /* A failure leaves the pairs converted so far counted in out: free them here, so every
         * level cleans up after itself. */
        int rc = table_from_wire(out, w->table, lim, depth, elements, err, errlen);
        if (rc != 0)
            ntop_value_clear(out);
        return rc;
    }
    default:
        snprintf(err, errlen, "unknown value kind %d", (int)w->kind_case);
        return NTOP_EINVAL;
    }
}

int ntop_value_from_wire_at(struct ntop_value *out, const Ntop__V1__Value *w,
                            const struct wire_limits *lim, uint32_t depth, uint32_t *elements,
                            char *err, size_t errlen)
{
    return from_wire(out, w, lim, depth, elements, err, errlen);
}

int ntop_value_from_wire(struct ntop_value *out, const Ntop__V1__Value *w,
                         const struct wire_limits *lim, uint32_t *elements, char *err,
                         size_t errlen)
{
    int rc = from_wire(out, w, lim, 0, elements, err, errlen);
    if (rc != 0)
        ntop_value_clear(out);
    return rc;
}

/* ---- contexts ---- */

void ntop_context_to_wire(Ntop__V1__Context *w, const struct ntop_context *ctx)
{
    static char empty[] = "";
    const struct ntop_context def = NTOP_CONTEXT_DEFAULT;
    if (!ctx)
        ctx = &def;
    ntop__v1__context__init(w);
    w->ifid = ctx->ifid;
    w->host = ctx->host ? ctx->host : empty;
    w->flow = ctx->flow ? ctx->flow : empty;
    w->network = ctx->has_network ? ctx->network : 0;
    w->has_network = ctx->has_network;
}

int ntop_context_from_wire(struct ntop_context *ctx, const Ntop__V1__Context *w)
{
    struct ntop_context c = {
        .ifid = w->ifid,
        .host = w->host && *w->host ? w->host : NULL,
        .flow = w->flow && *w->flow ? w->flow : NULL,
        .network = w->has_network ? w->network : 0,
        .has_network = w->has_network,
    };
    return ntop_context_copy(ctx, &c);
}

/* ---- the call ---- */

int ntop_method_path(char *buf, size_t len, const char *ns, const char *name)
{
    const char *parts[2] = {ns, name};
    for (int p = 0; p < 2; p++) {
        const char *s = parts[p];
        if (!s || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
            return NTOP_EINVAL;
        for (; *s; s++)
            if (!(isalnum((unsigned char)*s) || *s == '_'))
                return NTOP_EINVAL;
    }
    int n = snprintf(buf, len, "/ntop.v1.%c%s/%s", toupper((unsigned char)ns[0]), ns + 1, name);
    return n > 0 && (size_t)n < len ? 0 : NTOP_EINVAL;
}

static int fail(struct ntop_result *res, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct ntop_result *res, int status, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    free(res->message);
    res->message = ntop_strndup(buf, strlen(buf));
    res->status = status;
    return status;
}

/* Builds and packs the Call of args and ctx into *out (malloc'd). Returns a status. */
static int pack_call(struct ntop_client *c, const struct ntop_value *args, size_t nargs,
                     const struct ntop_context *ctx, uint8_t **out, size_t *out_len,
                     struct ntop_result *res)
{
    const struct wire_limits lim = ntop_client_limits(c);
    struct wire_arena arena = {0};
    Ntop__V1__Call call = NTOP__V1__CALL__INIT;
    Ntop__V1__Context wctx;
    ntop_context_to_wire(&wctx, ctx);
    call.context = &wctx;
    call.accept_records = 1; /* ntop_value_from_wire decodes Table.records */
    int status = NTOP_STATUS_OK;
    char err[256] = "";
    uint32_t elements = 0;
    if (nargs > lim.max_elements) {
        status = fail(res, NTOP_STATUS_INVALID_ARGUMENT, "%zu arguments: more than %u values",
                      nargs, lim.max_elements);
        goto out;
    }
    if (nargs && !(call.args = wire_arena_alloc(&arena, nargs * sizeof(*call.args)))) {
        status = fail(res, NTOP_STATUS_RESOURCE_EXHAUSTED, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < nargs; i++, call.n_args++) {
        if (!(call.args[i] =
                  ntop_value_to_wire(&args[i], &arena, &lim, &elements, err, sizeof(err)))) {
            status = fail(res, NTOP_STATUS_INVALID_ARGUMENT, "argument #%zu: %s", i + 1, err);
            goto out;
        }
    }
    size_t len = ntop__v1__call__get_packed_size(&call);
    if (len > ntop_client_options(c)->max_request_bytes) {
        status =
            fail(res, NTOP_STATUS_RESOURCE_EXHAUSTED, "request of %zu bytes over the limit of %zu",
                 len, ntop_client_options(c)->max_request_bytes);
        goto out;
    }
    if (!(*out = malloc(len ? len : 1))) {
        status = fail(res, NTOP_STATUS_RESOURCE_EXHAUSTED, "out of memory");
        goto out;
    }
    *out_len = ntop__v1__call__pack(&call, *out);
out:
    wire_arena_free(&arena);
    return status;
}

int ntop_reply_decode(const uint8_t *buf, size_t len, const struct wire_limits *limits,
                      struct ntop_result *res)
{
    const struct wire_limits lim = *limits;
    char err[256] = "";
    if (ntop_wire_check(buf, len, &lim, err, sizeof(err)) != 0)
        return fail(res, NTOP_STATUS_RESOURCE_EXHAUSTED, "reply refused: %s", err);
    if (ntop_reply_fast(buf, len, &lim, res) == 0)
        return NTOP_STATUS_OK;
    /* the slow path: protobuf-c, then conversion (every error is reported from here) */
    Ntop__V1__Reply *reply = ntop__v1__reply__unpack(NULL, len, buf);
    if (!reply)
        return fail(res, NTOP_STATUS_INTERNAL, "malformed reply (not an ntop.v1.Reply)");
    int status = NTOP_STATUS_OK;
    uint32_t elements = 0;
    if (reply->n_results && !(res->values = calloc(reply->n_results, sizeof(*res->values)))) {
        status = fail(res, NTOP_STATUS_RESOURCE_EXHAUSTED, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < reply->n_results; i++, res->count++) {
        int rc = ntop_value_from_wire(&res->values[i], reply->results[i], &lim, &elements, err,
                                      sizeof(err));
        if (rc != 0) {
            status =
                fail(res, rc == NTOP_ENOMEM ? NTOP_STATUS_RESOURCE_EXHAUSTED : NTOP_STATUS_INTERNAL,
                     "result #%zu: %s", i + 1, err);
            goto out;
        }
    }
    if (reply->context) {
        struct ntop_context ctx;
        if (ntop_context_from_wire(&ctx, reply->context) != 0) {
            status = fail(res, NTOP_STATUS_RESOURCE_EXHAUSTED, "out of memory");
            goto out;
        }
        ntop_context_clear(&res->context);
        res->context = ctx;
    }
out:
    ntop__v1__reply__free_unpacked(reply, NULL);
    if (status != NTOP_STATUS_OK) {
        for (size_t i = 0; i < res->count; i++)
            ntop_value_clear(&res->values[i]);
        free(res->values);
        res->values = NULL;
        res->count = 0;
    }
    return status;
}

int ntop_client_call(struct ntop_client *c, const char *ns, const char *name,
                     const struct ntop_value *args, size_t nargs, const struct ntop_context *ctx,
                     struct ntop_result *res)
{
    memset(res, 0, sizeof(*res));
    if (ntop_context_copy(&res->context, ctx) != 0)
        return fail(res, NTOP_STATUS_RESOURCE_EXHAUSTED, "out of memory");
    char path[NTOP_PATH_MAX];
    if (!c || ntop_method_path(path, sizeof(path), ns, name) != 0)
        return fail(res, NTOP_STATUS_INVALID_ARGUMENT, "invalid function %s.%s", ns ? ns : "(null)",
                    name ? name : "(null)");
    if (nargs && !args)
        return fail(res, NTOP_STATUS_INVALID_ARGUMENT, "%zu arguments but no array", nargs);
    uint8_t *req = NULL, *reply = NULL;
    size_t req_len = 0, reply_len = 0;
    int status = pack_call(c, args, nargs, ctx, &req, &req_len, res);
    if (status != NTOP_STATUS_OK)
        return status;
    char *message = NULL;
    status = ntop_client_call_raw(c, path, req, req_len, &reply, &reply_len, &message);
    free(req);
    if (status == NTOP_STATUS_OK) {
        const struct wire_limits lim = ntop_client_limits(c);
        status = ntop_reply_decode(reply, reply_len, &lim, res);
    } else {
        res->status = status;
        res->message = message;
        message = NULL;
    }
    free(message);
    free(reply);
    return status;
}

int ntop_wire_check(const uint8_t *buf, size_t len, const struct wire_limits *lim, char *err,
                    size_t errlen)
{
    switch (wire_check_message(buf, len, lim, err, errlen)) {
    case WIRE_CHECK_OK:
        return 0;
    case WIRE_CHECK_NOMEM:
        return NTOP_ENOMEM;
    case WIRE_CHECK_MALFORMED:
        return NTOP_EINVAL;
    default:
        return NTOP_ELIMIT;
    }
}

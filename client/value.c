/* Values: constructors, destructors and table access of struct ntop_value. */
#include "client_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define VALUE_MAX_DEPTH 64 /* nesting ntop_value_copy and ntop_value_equal follow */

char *ntop_strndup(const char *s, size_t len)
{
    char *p = malloc(len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

int ntop_string_init(struct ntop_value *v, const void *data, size_t len)
{
    v->type = NTOP_TNIL;
    char *p = ntop_strndup(data, len);
    if (!p)
        return NTOP_ENOMEM;
    v->type = NTOP_TSTRING;
    v->string.data = p;
    v->string.len = len;
    v->string.block_ = NULL; /* its own bytes */
    v->string.tag_ = 0;
    return 0;
}

static struct ntop_value *value_new(enum ntop_type type)
{
    struct ntop_value *v = calloc(1, sizeof(*v));
    if (v)
        v->type = type;
    return v;
}

struct ntop_value *ntop_value_new_nil(void)
{
    return value_new(NTOP_TNIL);
}

struct ntop_value *ntop_value_new_boolean(bool b)
{
    struct ntop_value *v = value_new(NTOP_TBOOLEAN);
    if (v)
        v->boolean = b;
    return v;
}

struct ntop_value *ntop_value_new_integer(int64_t i)
{
    struct ntop_value *v = value_new(NTOP_TINTEGER);
    if (v)
        v->integer = i;
    return v;
}

struct ntop_value *ntop_value_new_number(double d)
{
    struct ntop_value *v = value_new(NTOP_TNUMBER);
    if (v)
        v->number = d;
    return v;
}

struct ntop_value *ntop_value_new_lstring(const void *data, size_t len)
{
    struct ntop_value *v = value_new(NTOP_TNIL);
    if (v && (!data && len ? NTOP_EINVAL : ntop_string_init(v, data, len)) != 0) {
        free(v);
        return NULL;
    }
    return v;
}

struct ntop_value *ntop_value_new_string(const char *s)
{
    return s ? ntop_value_new_lstring(s, strlen(s)) : NULL;
}

struct ntop_value *ntop_value_new_table(void)
{
    return value_new(NTOP_TTABLE);
}

/* References to shared blocks dropped while clearing, one atomic operation per run of values
 * from the same block (a decoded record: its entries, keys and strings) instead of one each. */
struct drops {
    struct ntop_block *block;
    size_t n;
};

static inline void drop(struct drops *d, struct ntop_block *b)
{
    if (d->block != b) {
        ntop_block_release(d->block, d->n);
        d->block = b;
        d->n = 0;
    }
    d->n++;
}

static void clear_table(struct ntop_value *v, struct drops *d);

/* Frees what v owns. The values inside a freed table are not reset (nobody sees them again).
 * Inline: scalars and shared strings, most of a decoded page, cost no call. */
static inline void clear_value(struct ntop_value *v, struct drops *d)
{
    if (v->type == NTOP_TSTRING) {
        struct ntop_block *b = ntop_string_block(v);
        if (b)
            drop(d, b);
        else
            free(v->string.data);
    } else if (v->type == NTOP_TTABLE) {
        clear_table(v, d);
    }
}

static void clear_table(struct ntop_value *v, struct drops *d)
{
    for (size_t i = 0; i < v->table.n_array; i++)
        clear_value(&v->table.array[i], d);
    for (size_t i = 0; i < v->table.n_entries; i++) {
        clear_value(&v->table.entries[i].key, d);
        clear_value(&v->table.entries[i].value, d);
    }
    struct ntop_block *b = ntop_table_block(v);
    if (b) {
        drop(d, b); /* last: the entries just read are in b */
    } else {
        free(v->table.array);
        free(v->table.entries);
    }
}

void ntop_value_clear(struct ntop_value *v)
{
    if (!v)
        return;
    struct drops d = {0};
    clear_value(v, &d);
    memset(v, 0, sizeof(*v)); /* before the drop: v may itself be inside the block */
    ntop_block_release(d.block, d.n);
}

void ntop_value_free(struct ntop_value *v)
{
    ntop_value_clear(v);
    free(v);
}

/* ---- copy and equality ---- */

static int copy_value(struct ntop_value *dst, const struct ntop_value *src, int depth)
{
    memset(dst, 0, sizeof(*dst));
    switch (src->type) {
    case NTOP_TSTRING:
        return ntop_string_init(dst, src->string.data, src->string.len);
    case NTOP_TTABLE:
        break;
    default:
        *dst = *src;
        return 0;
    }
    if (depth >= VALUE_MAX_DEPTH)
        return NTOP_ELIMIT;
    dst->type = NTOP_TTABLE;
    const size_t na = src->table.n_array, ne = src->table.n_entries;
    if (na && !(dst->table.array = calloc(na, sizeof(*dst->table.array))))
        goto oom;
    dst->table.cap_array = na;
    for (size_t i = 0; i < na; i++, dst->table.n_array++) {
        int rc = copy_value(&dst->table.array[i], &src->table.array[i], depth + 1);
        if (rc != 0) {
            ntop_value_clear(dst);
            return rc;
        }
    }
    if (ne && !(dst->table.entries = calloc(ne, sizeof(*dst->table.entries))))
        goto oom;
    dst->table.cap_entries = ne;
    for (size_t i = 0; i < ne; i++) {
        const struct ntop_entry *e = &src->table.entries[i];
        struct ntop_entry *d = &dst->table.entries[i];
        int rc = copy_value(&d->key, &e->key, depth + 1);
        if (rc == 0) {
            rc = copy_value(&d->value, &e->value, depth + 1);
            if (rc != 0)
                ntop_value_clear(&d->key);
        }
        if (rc != 0) {
            ntop_value_clear(dst);
            return rc;
        }
        dst->table.n_entries++;
    }
    return 0;
oom:
    ntop_value_clear(dst);
    return NTOP_ENOMEM;
}

int ntop_value_copy(struct ntop_value *dst, const struct ntop_value *src)
{
    return copy_value(dst, src, 0);
}

/* Number equality as Lua's ==, across integer and float. */
static bool number_equal(const struct ntop_value *a, const struct ntop_value *b)
{
    if (a->type == NTOP_TINTEGER && b->type == NTOP_TINTEGER)
        return a->integer == b->integer;
    if (a->type == NTOP_TNUMBER && b->type == NTOP_TNUMBER)
        return a->number == b->number;
    const struct ntop_value *i = a->type == NTOP_TINTEGER ? a : b;
    const struct ntop_value *f = a->type == NTOP_TINTEGER ? b : a;
    /* -2^63 <= f < 2^63 and integral: compare as integers (doubles lose precision above 2^53) */
    if (!(f->number >= -9223372036854775808.0 && f->number < 9223372036854775808.0) ||
        floor(f->number) != f->number)
        return false;
    return (int64_t)f->number == i->integer;
}

static bool is_number(const struct ntop_value *v)
{
    return v->type == NTOP_TINTEGER || v->type == NTOP_TNUMBER;
}

static bool equal_value(const struct ntop_value *a, const struct ntop_value *b, int depth);

/* A float key with an integral value becomes the integer (as in Lua). */
static void normalize_key(struct ntop_value *k)
{
    if (k->type == NTOP_TNUMBER && k->number >= -9223372036854775808.0 &&
        k->number < 9223372036854775808.0 && floor(k->number) == k->number) {
        int64_t i = (int64_t)k->number;
        k->type = NTOP_TINTEGER;
        k->integer = i;
    }
}

static const struct ntop_value *table_lookup(const struct ntop_value *t,
                                             const struct ntop_value *key, int depth)
{
    if (is_number(key)) {
        struct ntop_value k = *key;
        normalize_key(&k);
        if (k.type == NTOP_TINTEGER && k.integer >= 1 && (uint64_t)k.integer <= t->table.n_array)
            return &t->table.array[k.integer - 1];
    }
    for (size_t i = 0; i < t->table.n_entries; i++)
        if (equal_value(&t->table.entries[i].key, key, depth))
            return &t->table.entries[i].value;
    return NULL;
}

/* Number of non-nil pairs of table t. */
static size_t table_count(const struct ntop_value *t)
{
    size_t n = 0;
    for (size_t i = 0; i < t->table.n_array; i++)
        n += t->table.array[i].type != NTOP_TNIL;
    for (size_t i = 0; i < t->table.n_entries; i++)
        n += t->table.entries[i].value.type != NTOP_TNIL;
    return n;
}

/* Does every non-nil pair of a appear in b? */
static bool table_subset(const struct ntop_value *a, const struct ntop_value *b, int depth)
{
    for (size_t i = 0; i < a->table.n_array; i++) {
        if (a->table.array[i].type == NTOP_TNIL)
            continue;
        struct ntop_value idx = NTOP_INTEGER((int64_t)i + 1);
        const struct ntop_value *v = table_lookup(b, &idx, depth);
        if (!v || !equal_value(&a->table.array[i], v, depth))
            return false;
    }
    for (size_t i = 0; i < a->table.n_entries; i++) {
        const struct ntop_entry *e = &a->table.entries[i];
        if (e->value.type == NTOP_TNIL)
            continue;
        const struct ntop_value *v = table_lookup(b, &e->key, depth);
        if (!v || !equal_value(&e->value, v, depth))
            return false;
    }
    return true;
}

static bool equal_value(const struct ntop_value *a, const struct ntop_value *b, int depth)
{
    if (is_number(a) && is_number(b))
        return number_equal(a, b);
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case NTOP_TNIL:
        return true;
    case NTOP_TBOOLEAN:
        return a->boolean == b->boolean;
    case NTOP_TSTRING:
        return a->string.len == b->string.len &&
               (a->string.len == 0 || memcmp(a->string.data, b->string.data, a->string.len) == 0);
    case NTOP_TTABLE:
        if (depth >= VALUE_MAX_DEPTH)
            return false;
        /* keys are unique: a within b and as many pairs in each means equal */
        return table_count(a) == table_count(b) && table_subset(a, b, depth + 1);
    default:
        return false;
    }
}

bool ntop_value_equal(const struct ntop_value *a, const struct ntop_value *b)
{
    return a && b && equal_value(a, b, 0);
}

/* ---- tables ---- */

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 4;
    if (n < need)
        n = need;
    if (n > SIZE_MAX / size)
        return NTOP_ENOMEM;
    void *q = realloc(*p, n * size);
    if (!q)
        return NTOP_ENOMEM;
    *p = q;
    *cap = n;
    return 0;
}

int ntop_table_append(struct ntop_value *t, struct ntop_value *v)
{
    if (!v)
        return NTOP_ENOMEM;
    int rc = NTOP_EINVAL;
    if (t && t->type == NTOP_TTABLE && (rc = ntop_table_own(t)) == 0)
        rc = grow((void **)&t->table.array, &t->table.cap_array, t->table.n_array + 1,
                  sizeof(*t->table.array));
    if (rc == 0) {
        t->table.array[t->table.n_array++] = *v;
        free(v);
    } else {
        ntop_value_free(v);
    }
    return rc;
}

static int table_set(struct ntop_value *t, struct ntop_value *key, struct ntop_value *v)
{
    if (!t || t->type != NTOP_TTABLE || key->type == NTOP_TNIL ||
        (key->type == NTOP_TNUMBER && isnan(key->number)))
        return NTOP_EINVAL;
    if (ntop_table_own(t) != 0) /* decoded records share their entries: copy them first */
        return NTOP_ENOMEM;
    normalize_key(key);
    struct ntop_value *slot = (struct ntop_value *)table_lookup(t, key, 0);
    if (slot && slot >= t->table.array && slot < t->table.array + t->table.n_array) {
        ntop_value_clear(slot); /* array slots keep their place; nil leaves a hole */
        *slot = *v;
        ntop_value_clear(key); /* a number: owns nothing */
        return 1;
    }
    if (slot) {
        struct ntop_entry *e =
            (struct ntop_entry *)((char *)slot - offsetof(struct ntop_entry, value));
        ntop_value_clear(&e->key);
        ntop_value_clear(&e->value);
        *e = t->table.entries[--t->table.n_entries];
    }
    if (v->type == NTOP_TNIL) {
        ntop_value_clear(key);
        return 2;
    }
    if (grow((void **)&t->table.entries, &t->table.cap_entries, t->table.n_entries + 1,
             sizeof(*t->table.entries)) != 0)
        return NTOP_ENOMEM;
    t->table.entries[t->table.n_entries].key = *key;
    t->table.entries[t->table.n_entries].value = *v;
    t->table.n_entries++;
    return 1;
}

int ntop_table_set(struct ntop_value *t, struct ntop_value *key, struct ntop_value *v)
{
    int rc = key && v ? table_set(t, key, v) : NTOP_ENOMEM;
    if (rc < 0) {
        ntop_value_free(key);
        ntop_value_free(v);
        return rc;
    }
    /* 1: key and v moved into the table; 2: the key was dropped (nil value) */
    free(key);
    free(v);
    return 0;
}

int ntop_table_set_field(struct ntop_value *t, const char *key, struct ntop_value *v)
{
    if (!key) {
        ntop_value_free(v);
        return NTOP_EINVAL;
    }
    return ntop_table_set(t, ntop_value_new_string(key), v);
}

const struct ntop_value *ntop_table_get(const struct ntop_value *t, const struct ntop_value *key)
{
    if (!t || !key || t->type != NTOP_TTABLE || key->type == NTOP_TNIL)
        return NULL;
    return table_lookup(t, key, 0);
}

const struct ntop_value *ntop_table_get_field(const struct ntop_value *t, const char *key)
{
    if (!key)
        return NULL;
    struct ntop_value k = NTOP_STRING(key);
    return ntop_table_get(t, &k);
}

const struct ntop_value *ntop_table_get_index(const struct ntop_value *t, int64_t i)
{
    if (t && t->type == NTOP_TTABLE && i >= 1 && (uint64_t)i <= t->table.n_array)
        return &t->table.array[i - 1];
    struct ntop_value k = NTOP_INTEGER(i);
    return ntop_table_get(t, &k);
}

/* ---- contexts and results ---- */

int ntop_context_copy(struct ntop_context *dst, const struct ntop_context *src)
{
    *dst = src ? *src : NTOP_CONTEXT_DEFAULT;
    dst->host = NULL;
    dst->flow = NULL;
    if (src && src->host && !(dst->host = ntop_strndup(src->host, strlen(src->host))))
        goto oom;
    if (src && src->flow && !(dst->flow = ntop_strndup(src->flow, strlen(src->flow))))
        goto oom;
    return 0;
oom:
    ntop_context_clear(dst);
    return NTOP_ENOMEM;
}

void ntop_context_clear(struct ntop_context *ctx)
{
    if (!ctx)
        return;
    free(ctx->host);
    free(ctx->flow);
    *ctx = NTOP_CONTEXT_DEFAULT;
}

void ntop_result_clear(struct ntop_result *res)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->count; i++)
        ntop_value_clear(&res->values[i]);
    free(res->values);
    free(res->message);
    ntop_context_clear(&res->context);
    memset(res, 0, sizeof(*res));
}

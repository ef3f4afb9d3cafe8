#define _GNU_SOURCE /* asprintf */
#include "client_values.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_put(struct buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        b->data = realloc(b->data, cap);
        if (!b->data) {
            fprintf(stderr, "out of memory\n");
            exit(3);
        }
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
}

void buf_byte(struct buf *b, uint8_t c)
{
    buf_put(b, &c, 1);
}

static size_t varint(uint64_t v, uint8_t out[10])
{
    size_t n = 0;
    do {
        out[n] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v)
            out[n] |= 0x80;
        n++;
    } while (v);
    return n;
}

/* A length-delimited field: key (field, wire type 2), length, bytes. */
static void put_field(struct buf *b, unsigned field, const uint8_t *p, size_t n)
{
    uint8_t tmp[10];
    buf_byte(b, (uint8_t)(field << 3 | 2));
    buf_put(b, tmp, varint(n, tmp));
    buf_put(b, p, n);
}

int hex_decode(const char *hex, struct buf *out)
{
    size_t n = strlen(hex);
    if (n % 2)
        return -1;
    for (size_t i = 0; i < n; i += 2) {
        unsigned v;
        if (sscanf(hex + i, "%2x", &v) != 1)
            return -1;
        buf_byte(out, (uint8_t)v);
    }
    return 0;
}

/* N nested tables as a Value, built from the innermost outwards into the end of a buffer,
 * so no recursion (neither here nor in protobuf-c) is involved. */
static void deep_value(long n, struct buf *out)
{
    size_t cap = 16 + (size_t)n * 12;
    uint8_t *mem = malloc(cap);
    if (!mem) {
        fprintf(stderr, "out of memory\n");
        exit(3);
    }
    size_t pos = cap;
    mem[--pos] = 0x00; /* Value{table = Table{}} */
    mem[--pos] = 0x32;
    for (long level = 1; level < n; level++) {
        for (int k = 0; k < 2; k++) { /* Table{array = [inner]}, then Value{table = ...} */
            uint8_t tmp[10];
            size_t l = varint(cap - pos, tmp);
            pos -= l;
            memcpy(mem + pos, tmp, l);
            mem[--pos] = k == 0 ? 0x0a : 0x32;
        }
    }
    buf_put(out, mem + pos, cap - pos);
    free(mem);
}

static int encode_arg(const char *a, struct buf *out)
{
    Ntop__V1__Value v = NTOP__V1__VALUE__INIT;
    Ntop__V1__Table t = NTOP__V1__TABLE__INIT;
    Ntop__V1__Value *items = NULL, **ptrs = NULL;
    struct buf bytes = {0};
    if (strcmp(a, "nil") == 0) {
        v.kind_case = NTOP__V1__VALUE__KIND_NIL;
        v.nil = 1;
    } else if (strcmp(a, "true") == 0 || strcmp(a, "false") == 0) {
        v.kind_case = NTOP__V1__VALUE__KIND_BOOLEAN;
        v.boolean = a[0] == 't';
    } else if (strncmp(a, "i:", 2) == 0) {
        v.kind_case = NTOP__V1__VALUE__KIND_INTEGER;
        v.integer = strtoll(a + 2, NULL, 0);
    } else if (strncmp(a, "f:", 2) == 0) {
        v.kind_case = NTOP__V1__VALUE__KIND_NUMBER;
        v.number = strtod(a + 2, NULL);
    } else if (strncmp(a, "s:", 2) == 0) {
        v.kind_case = NTOP__V1__VALUE__KIND_STRING;
        v.string.data = (uint8_t *)(a + 2);
        v.string.len = strlen(a + 2);
    } else if (strncmp(a, "x:", 2) == 0 || strncmp(a, "big:", 4) == 0) {
        if (a[0] == 'x' && hex_decode(a + 2, &bytes) != 0) {
            fprintf(stderr, "bad hex in %s\n", a);
            return -1;
        }
        for (long n = a[0] == 'b' ? atol(a + 4) : 0; n > 0; n--)
            buf_byte(&bytes, 'a');
        v.kind_case = NTOP__V1__VALUE__KIND_STRING;
        v.string.data = bytes.data;
        v.string.len = bytes.len;
    } else if (strncmp(a, "table:", 6) == 0) {
        size_t n = (size_t)atol(a + 6);
        items = calloc(n ? n : 1, sizeof(*items));
        ptrs = calloc(n ? n : 1, sizeof(*ptrs));
        for (size_t i = 0; i < n; i++) {
            ntop__v1__value__init(&items[i]);
            items[i].kind_case = NTOP__V1__VALUE__KIND_INTEGER;
            items[i].integer = (int64_t)i + 1;
            ptrs[i] = &items[i];
        }
        t.n_array = n;
        t.array = ptrs;
        v.kind_case = NTOP__V1__VALUE__KIND_TABLE;
        v.table = &t;
    } else if (strncmp(a, "deep:", 5) == 0) {
        struct buf d = {0};
        deep_value(atol(a + 5) > 0 ? atol(a + 5) : 1, &d);
        put_field(out, 1, d.data, d.len);
        free(d.data);
        return 0;
    } else {
        fprintf(stderr, "unknown argument '%s'\n", a);
        return -1;
    }
    size_t n = ntop__v1__value__get_packed_size(&v);
    uint8_t *p = malloc(n ? n : 1);
    ntop__v1__value__pack(&v, p);
    put_field(out, 1, p, n);
    free(p);
    free(items);
    free(ptrs);
    free(bytes.data);
    return 0;
}

int encode_call(char **args, int nargs, bool context, int ifid, struct buf *out)
{
    for (int i = 0; i < nargs; i++)
        if (encode_arg(args[i], out) != 0)
            return -1;
    if (context) {
        Ntop__V1__Context c = NTOP__V1__CONTEXT__INIT;
        c.ifid = ifid;
        uint8_t p[64];
        put_field(out, 2, p, ntop__v1__context__pack(&c, p));
    }
    return 0;
}

/* ---- printing ---- */

static void print_escaped(FILE *f, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '\\')
            fprintf(f, "\\x%02x", s[i]);
        else
            fputc(s[i], f);
    }
}

static void print_scalar(const Ntop__V1__Value *v)
{
    switch (v ? v->kind_case : NTOP__V1__VALUE__KIND_NIL) {
    case NTOP__V1__VALUE__KIND_BOOLEAN:
        printf("bool:%s", v->boolean ? "true" : "false");
        break;
    case NTOP__V1__VALUE__KIND_INTEGER:
        printf("int:%" PRId64, v->integer);
        break;
    case NTOP__V1__VALUE__KIND_NUMBER:
        printf("num:%.17g", v->number);
        break;
    case NTOP__V1__VALUE__KIND_STRING:
        printf("str:");
        print_escaped(stdout, v->string.data, v->string.len);
        break;
    default:
        printf("nil");
        break;
    }
}

struct child {
    char *key;
    const Ntop__V1__Value *v;
};

static int child_cmp(const void *a, const void *b)
{
    return strcmp(((const struct child *)a)->key, ((const struct child *)b)->key);
}

static char *key_repr(const Ntop__V1__Value *k)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    switch (k ? k->kind_case : NTOP__V1__VALUE__KIND_NIL) {
    case NTOP__V1__VALUE__KIND_STRING:
        print_escaped(f, k->string.data, k->string.len);
        break;
    case NTOP__V1__VALUE__KIND_INTEGER:
        fprintf(f, "[%" PRId64 "]", k->integer);
        break;
    case NTOP__V1__VALUE__KIND_NUMBER:
        fprintf(f, "[num:%.17g]", k->number);
        break;
    case NTOP__V1__VALUE__KIND_BOOLEAN:
        fprintf(f, "[bool:%s]", k->boolean ? "true" : "false");
        break;
    default:
        fprintf(f, "[table]");
        break;
    }
    fclose(f);
    return s;
}

void print_flat(const char *prefix, const Ntop__V1__Value *v)
{
    if (!v || v->kind_case != NTOP__V1__VALUE__KIND_TABLE) {
        printf("%s = ", prefix);
        print_scalar(v);
        putchar('\n');
        return;
    }
    const Ntop__V1__Table *t = v->table;
    size_t n = t ? t->n_array + t->n_entries : 0;
    if (n == 0) {
        printf("%s = {}\n", prefix);
        return;
    }
    struct child *c = calloc(n, sizeof(*c));
    size_t k = 0;
    for (size_t i = 0; i < t->n_array; i++, k++) {
        if (asprintf(&c[k].key, "[%zu]", i + 1) < 0)
            exit(3);
        c[k].v = t->array[i];
    }
    for (size_t i = 0; i < t->n_entries; i++, k++) {
        c[k].key = key_repr(t->entries[i]->key);
        c[k].v = t->entries[i]->value;
    }
    qsort(c, n, sizeof(*c), child_cmp);
    for (size_t i = 0; i < n; i++) {
        char *p;
        if (asprintf(&p, "%s.%s", prefix, c[i].key) < 0)
            exit(3);
        print_flat(p, c[i].v);
        free(p);
        free(c[i].key);
    }
    free(c);
}

/*
 * emviut: a small EMV MPM implementation under test for qrinterop, in C11 (no libraries).
 *
 * Protocol (DESIGN.md §4, jsonl transport): one JSON request per line on stdin,
 *   {"id": n, "op": "hello"|"parse"|"build"|"validate", ...fields}
 * one JSON answer per line on stdout, in request order, flushed per line:
 *   {"id": n, "ok": true, "result": {...}}  or  {"id": n, "ok": false, "error": {"code","message"}}
 * Exits 0 when stdin closes.
 *
 * Lengths count Unicode code points (EMV MPM §4.4.1.1 "number of characters"), so the payload
 * is indexed through a table of the byte offset of every character; the CRC is
 * CRC-16/CCITT-FALSE over the UTF-8 bytes (§4.7.3). Every index is bounds-checked: a request
 * line that is not what we expect gets an error answer, never a crash.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ growable string */

typedef struct {
    char *s;
    size_t len, cap;
} Buf;

static void die_oom(void) {
    fputs("emviut: out of memory\n", stderr);
    exit(3);
}

static void buf_put(Buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) die_oom();
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void buf_puts(Buf *b, const char *s) { buf_put(b, s, strlen(s)); }

static void buf_printf(Buf *b, const char *fmt, ...) {
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    buf_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* JSON string literal; the text is valid UTF-8 (checked on input), so only quotes, backslashes
 * and control characters need escaping. */
static void buf_json_str(Buf *b, const char *s, size_t n) {
    buf_put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"') buf_put(b, "\\\"", 2);
        else if (c == '\\') buf_put(b, "\\\\", 2);
        else if (c == '\n') buf_put(b, "\\n", 2);
        else if (c == '\r') buf_put(b, "\\r", 2);
        else if (c == '\t') buf_put(b, "\\t", 2);
        else if (c < 0x20 || c == 0x7f) buf_printf(b, "\\u%04x", c);
        else buf_put(b, (const char *)&s[i], 1);
    }
    buf_put(b, "\"", 1);
}

/* ------------------------------------------------------------------ UTF-8 */

/* Length of the UTF-8 sequence at s (at most n bytes available), or 0 if it is not a valid,
 * shortest-form encoding of a scalar value. */
static size_t utf8_seq(const unsigned char *s, size_t n) {
    if (n == 0) return 0;
    unsigned c = s[0];
    if (c < 0x80) return 1;
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    return len;
}

static size_t utf8_count(const char *s, size_t n) {
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) count++;
    return count;
}

static void utf8_put(Buf *b, uint32_t cp) {
    char t[4];
    if (cp < 0x80) { t[0] = (char)cp; buf_put(b, t, 1); }
    else if (cp < 0x800) { t[0] = (char)(0xC0 | (cp >> 6)); t[1] = (char)(0x80 | (cp & 0x3F)); buf_put(b, t, 2); }
    else if (cp < 0x10000) {
        t[0] = (char)(0xE0 | (cp >> 12)); t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[2] = (char)(0x80 | (cp & 0x3F)); buf_put(b, t, 3);
    } else {
        t[0] = (char)(0xF0 | (cp >> 18)); t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        t[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); t[3] = (char)(0x80 | (cp & 0x3F)); buf_put(b, t, 4);
    }
}

/* ------------------------------------------------------------------ minimal JSON reader */

enum JType { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

typedef struct JVal {
    enum JType type;
    char *str;          /* J_STR: decoded UTF-8 (NUL-terminated, may contain NUL); J_NUM: raw text */
    size_t len;
    struct JVal *items; /* J_ARR / J_OBJ */
    char **keys;        /* J_OBJ */
    size_t *keylens;
    size_t n, cap;      /* items used / allocated; grown geometrically so big arrays stay linear */
} JVal;

typedef struct {
    const char *p, *end;
    const char *err;
    int depth;
} JParser;

#define JSON_MAX_DEPTH 64

static void jfree(JVal *v) {
    if (!v) return;
    free(v->str);
    for (size_t i = 0; i < v->n; i++) {
        jfree(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->keylens);
    memset(v, 0, sizeof *v);
}

static void jskip_ws(JParser *jp) {
    while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r')) jp->p++;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool jread_hex4(JParser *jp, uint32_t *out) {
    if (jp->end - jp->p < 4) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(jp->p[i]);
        if (h < 0) return false;
        v = (v << 4) | (uint32_t)h;
    }
    jp->p += 4;
    *out = v;
    return true;
}

static bool jparse_string(JParser *jp, char **out, size_t *outlen) {
    Buf b = {0};
    jp->p++; /* opening quote */
    while (jp->p < jp->end) {
        unsigned char c = (unsigned char)*jp->p;
        if (c == '"') {
            jp->p++;
            if (!b.s) buf_put(&b, "", 0);
            *out = b.s;
            *outlen = b.len;
            return true;
        }
        if (c < 0x20) { jp->err = "control character inside a string"; break; }
        if (c == '\\') {
            jp->p++;
            if (jp->p >= jp->end) break;
            char e = *jp->p++;
            switch (e) {
            case '"': buf_put(&b, "\"", 1); break;
            case '\\': buf_put(&b, "\\", 1); break;
            case '/': buf_put(&b, "/", 1); break;
            case 'b': buf_put(&b, "\b", 1); break;
            case 'f': buf_put(&b, "\f", 1); break;
            case 'n': buf_put(&b, "\n", 1); break;
            case 'r': buf_put(&b, "\r", 1); break;
            case 't': buf_put(&b, "\t", 1); break;
            case 'u': {
                uint32_t cp;
                if (!jread_hex4(jp, &cp)) { jp->err = "bad \\u escape"; goto fail; }
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    uint32_t lo;
                    if (jp->end - jp->p >= 6 && jp->p[0] == '\\' && jp->p[1] == 'u') {
                        const char *save = jp->p;
                        jp->p += 2;
                        if (jread_hex4(jp, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        } else {
                            jp->p = save;
                            cp = 0xFFFD; /* lone high surrogate */
                        }
                    } else {
                        cp = 0xFFFD;
                    }
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    cp = 0xFFFD; /* lone low surrogate */
                }
                utf8_put(&b, cp);
                break;
            }
            default: jp->err = "unknown escape in a string"; goto fail;
            }
            continue;
        }
        size_t k = utf8_seq((const unsigned char *)jp->p, (size_t)(jp->end - jp->p));
        if (!k) { jp->err = "string is not valid UTF-8"; goto fail; }
        buf_put(&b, jp->p, k);
        jp->p += k;
    }
    if (!jp->err) jp->err = "unterminated string";
fail:
    free(b.s);
    return false;
}

static bool jparse_value(JParser *jp, JVal *v);

static bool jpush(JVal *v, JVal *item, char *key, size_t keylen) {
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 8;
        JVal *items = realloc(v->items, cap * sizeof *items);
        if (!items) die_oom();
        v->items = items;
        if (v->type == J_OBJ) {
            char **keys = realloc(v->keys, cap * sizeof *keys);
            if (!keys) die_oom();
            v->keys = keys;
            size_t *kl = realloc(v->keylens, cap * sizeof *kl);
            if (!kl) die_oom();
            v->keylens = kl;
        }
        v->cap = cap;
    }
    if (v->type == J_OBJ) {
        v->keys[v->n] = key;
        v->keylens[v->n] = keylen;
    }
    v->items[v->n++] = *item;
    return true;
}

static bool jparse_value(JParser *jp, JVal *v) {
    memset(v, 0, sizeof *v);
    jskip_ws(jp);
    if (jp->p >= jp->end) { jp->err = "unexpected end of input"; return false; }
    char c = *jp->p;
    if (c == '{' || c == '[') {
        if (++jp->depth > JSON_MAX_DEPTH) { jp->err = "nested too deeply"; return false; }
        bool obj = c == '{';
        char close = obj ? '}' : ']';
        v->type = obj ? J_OBJ : J_ARR;
        jp->p++;
        jskip_ws(jp);
        if (jp->p < jp->end && *jp->p == close) { jp->p++; jp->depth--; return true; }
        for (;;) {
            char *key = NULL;
            size_t keylen = 0;
            if (obj) {
                jskip_ws(jp);
                if (jp->p >= jp->end || *jp->p != '"') { jp->err = "expected a key string"; return false; }
                if (!jparse_string(jp, &key, &keylen)) return false;
                jskip_ws(jp);
                if (jp->p >= jp->end || *jp->p != ':') { free(key); jp->err = "expected ':'"; return false; }
                jp->p++;
            }
            JVal item;
            if (!jparse_value(jp, &item)) { free(key); jfree(&item); return false; }
            jpush(v, &item, key, keylen);
            jskip_ws(jp);
            if (jp->p < jp->end && *jp->p == ',') { jp->p++; continue; }
            if (jp->p < jp->end && *jp->p == close) { jp->p++; jp->depth--; return true; }
            jp->err = obj ? "expected ',' or '}'" : "expected ',' or ']'";
            return false;
        }
    }
    if (c == '"') {
        v->type = J_STR;
        return jparse_string(jp, &v->str, &v->len);
    }
    static const struct { const char *word; enum JType type; } words[] = {
        {"true", J_BOOL}, {"false", J_BOOL}, {"null", J_NULL}};
    for (size_t i = 0; i < 3; i++) {
        size_t wl = strlen(words[i].word);
        if ((size_t)(jp->end - jp->p) >= wl && memcmp(jp->p, words[i].word, wl) == 0) {
            v->type = words[i].type;
            jp->p += wl;
            return true;
        }
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        const char *start = jp->p;
        if (*jp->p == '-') jp->p++;
        if (jp->p >= jp->end || !(*jp->p >= '0' && *jp->p <= '9')) { jp->err = "bad number"; return false; }
        while (jp->p < jp->end && ((*jp->p >= '0' && *jp->p <= '9') || *jp->p == '.' || *jp->p == 'e' ||
                                   *jp->p == 'E' || *jp->p == '+' || *jp->p == '-'))
            jp->p++;
        v->type = J_NUM;
        v->len = (size_t)(jp->p - start);
        v->str = malloc(v->len + 1);
        if (!v->str) die_oom();
        memcpy(v->str, start, v->len);
        v->str[v->len] = '\0';
        return true;
    }
    jp->err = "unexpected character";
    return false;
}

static const JVal *jget(const JVal *obj, const char *key) {
    if (!obj || obj->type != J_OBJ) return NULL;
    size_t kl = strlen(key);
    for (size_t i = 0; i < obj->n; i++)
        if (obj->keylens[i] == kl && memcmp(obj->keys[i], key, kl) == 0) return &obj->items[i];
    return NULL;
}

static bool jis_str(const JVal *v, const char *s) {
    return v && v->type == J_STR && v->len == strlen(s) && memcmp(v->str, s, v->len) == 0;
}

/* ------------------------------------------------------------------ errors and violations */

typedef struct {
    const char *code; /* rule id or protocol error code */
    Buf msg;
} Failure;

static void fail_set(Failure *f, const char *code, const char *fmt, ...) {
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    f->code = code;
    f->msg.len = 0;
    buf_puts(&f->msg, tmp);
}

typedef struct {
    const char *rule;
    char *message;
} Violation;

typedef struct {
    Violation *v;
    size_t n, cap;
} Violations;

static void viol_addf(Violations *vs, const char *rule, const char *fmt, ...) {
    if (vs->n == vs->cap) {
        size_t cap = vs->cap ? 2 * vs->cap : 8;
        Violation *v = realloc(vs->v, cap * sizeof *v);
        if (!v) die_oom();
        vs->v = v;
        vs->cap = cap;
    }
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    Buf b = {0};
    buf_puts(&b, tmp);
    vs->v[vs->n].rule = rule;
    vs->v[vs->n].message = b.s;
    vs->n++;
}

/* ------------------------------------------------------------------ payload text and TLV */

typedef struct {
    const char *s;  /* UTF-8 bytes */
    size_t nbytes;
    size_t *at;     /* at[i] = byte offset of character i; at[nchars] = nbytes */
    size_t nchars;
} Text;

static void text_init(Text *t, const char *s, size_t n) {
    t->s = s;
    t->nbytes = n;
    t->at = malloc((n + 1) * sizeof *t->at);
    if (!t->at) die_oom();
    t->nchars = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) t->at[t->nchars++] = i;
    t->at[t->nchars] = n;
}

typedef struct Node {
    char id[3];
    char path[16];    /* "62.05", "62.50.00" */
    size_t offset;    /* character offset of the value */
    size_t nchars;    /* value length in characters */
    const char *val;  /* value bytes (points into the payload) */
    size_t vbytes;
    struct Node *kids;
    size_t nkids;
    bool is_template;
} Node;

static void nodes_free(Node *nodes, size_t n) {
    for (size_t i = 0; i < n; i++) nodes_free(nodes[i].kids, nodes[i].nkids);
    free(nodes);
}

static bool is_digit2(const Text *t, size_t i) {
    return t->s[t->at[i]] >= '0' && t->s[t->at[i]] <= '9' && t->at[i + 1] == t->at[i] + 1;
}

/* Templates (notes §1, §3): 26–51, 62, 64, 80–99 at the root; 50–99 inside 62. */
static bool is_template(const char *parent, int id) {
    if (parent[0] == '\0') return (id >= 26 && id <= 51) || id == 62 || id == 64 || id >= 80;
    if (strcmp(parent, "62") == 0) return id >= 50;
    return false;
}

/* Tokenize characters [from, to) of t at one level. Records the first unreadable-structure
 * error in vs and stops; an empty value (LEN "00") is recorded and tokenizing goes on. */
static void tokenize(const Text *t, size_t from, size_t to, const char *parent, Node **out, size_t *nout,
                     Violations *vs) {
    size_t cap = 16, n = 0; /* grown on demand: a huge garbage line must not allocate a node per 4 chars */
    Node *nodes = calloc(cap, sizeof *nodes);
    if (!nodes) die_oom();
    size_t i = from;
    char in[16] = "";
    if (parent[0]) snprintf(in, sizeof in, " in %s", parent);
    while (i < to) {
        if (to - i < 4) {
            viol_addf(vs, "mpm.tlv.truncated", "data object header%s at offset %zu needs 4 characters, %zu left", in, i, to - i);
            break;
        }
        if (!is_digit2(t, i) || !is_digit2(t, i + 1)) {
            viol_addf(vs, "mpm.tlv.id", "id%s at offset %zu is not two digits", in, i);
            break;
        }
        char id[3] = {t->s[t->at[i]], t->s[t->at[i + 1]], 0};
        char path[16];
        if (parent[0]) snprintf(path, sizeof path, "%s.%s", parent, id);
        else snprintf(path, sizeof path, "%s", id);
        if (!is_digit2(t, i + 2) || !is_digit2(t, i + 3)) {
            viol_addf(vs, "mpm.tlv.length", "length of %s at offset %zu is not two digits", path, i + 2);
            break;
        }
        size_t len = (size_t)(t->s[t->at[i + 2]] - '0') * 10 + (size_t)(t->s[t->at[i + 3]] - '0');
        if (len == 0) /* same ids as the reference: an empty 62 breaks §4.8.1.1 "at least one object" */
            viol_addf(vs, strcmp(path, "62") == 0 ? "mpm.adf.nonempty" : "mpm.tlv.empty",
                      "length of %s at offset %zu is 00; a present object must hold 1..99 characters", path, i + 2);
        if (i + 4 + len > to) {
            viol_addf(vs, "mpm.tlv.truncated", "%s at offset %zu declares %zu characters but only %zu remain", path, i, len, to - i - 4);
            break;
        }
        if (n == cap) {
            Node *more = realloc(nodes, 2 * cap * sizeof *nodes);
            if (!more) die_oom();
            memset(more + cap, 0, cap * sizeof *more);
            nodes = more;
            cap *= 2;
        }
        Node *nd = &nodes[n++];
        memcpy(nd->id, id, 3);
        memcpy(nd->path, path, sizeof path);
        nd->offset = i + 4;
        nd->nchars = len;
        nd->val = t->s + t->at[i + 4];
        nd->vbytes = t->at[i + 4 + len] - t->at[i + 4];
        nd->is_template = is_template(parent, atoi(id));
        if (nd->is_template && len > 0) tokenize(t, i + 4, i + 4 + len, path, &nd->kids, &nd->nkids, vs);
        i += 4 + len;
    }
    *out = nodes;
    *nout = n;
}

/* True when the structure could not be read to the end (not just an empty value). */
static bool structure_error(const Violations *vs) {
    for (size_t i = 0; i < vs->n; i++) {
        const char *r = vs->v[i].rule;
        if (!strcmp(r, "mpm.tlv.id") || !strcmp(r, "mpm.tlv.length") || !strcmp(r, "mpm.tlv.truncated")) return true;
    }
    return false;
}

/* Each id at most once under the root and once per template (§4.3.1.2). */
static void check_duplicates(const Node *nodes, size_t n, Violations *vs) {
    bool seen[100] = {false};
    for (size_t i = 0; i < n; i++) {
        int id = atoi(nodes[i].id);
        if (seen[id]) viol_addf(vs, "mpm.tlv.duplicate", "id %s appears more than once", nodes[i].path);
        seen[id] = true;
        check_duplicates(nodes[i].kids, nodes[i].nkids, vs);
    }
}

/* ------------------------------------------------------------------ CRC */

static unsigned crc16_ccitt_false(const char *s, size_t n) {
    unsigned crc = 0xFFFF;
    for (size_t i = 0; i < n; i++) {
        crc ^= (unsigned)(unsigned char)s[i] << 8;
        for (int k = 0; k < 8; k++) crc = (crc & 0x8000) ? ((crc << 1) ^ 0x1021) & 0xFFFF : (crc << 1) & 0xFFFF;
    }
    return crc;
}

/* ------------------------------------------------------------------ ops */

static void emit_objects(Buf *out, const Node *nodes, size_t n) {
    buf_puts(out, "[");
    for (size_t i = 0; i < n; i++) {
        if (i) buf_puts(out, ",");
        buf_puts(out, "{\"id\":");
        buf_json_str(out, nodes[i].id, 2);
        if (nodes[i].is_template && nodes[i].nchars > 0) {
            buf_puts(out, ",\"children\":");
            emit_objects(out, nodes[i].kids, nodes[i].nkids);
        } else {
            buf_puts(out, ",\"value\":");
            buf_json_str(out, nodes[i].val, nodes[i].vbytes);
        }
        buf_puts(out, "}");
    }
    buf_puts(out, "]");
}

static bool check_mode(const JVal *req, Failure *f) {
    const JVal *mode = jget(req, "mode");
    if (!mode || jis_str(mode, "mpm")) return true;
    if (jis_str(mode, "cpm")) {
        fail_set(f, "unsupported", "consumer-presented mode (cpm) is not implemented by emviut");
        return false;
    }
    fail_set(f, "bad_request", "mode must be \"mpm\" or \"cpm\"");
    return false;
}

static bool op_parse(const JVal *req, Buf *out, Failure *f) {
    if (!check_mode(req, f)) return false;
    const JVal *p = jget(req, "payload");
    if (!p || p->type != J_STR) { fail_set(f, "bad_request", "payload must be a string"); return false; }
    Text t;
    text_init(&t, p->str, p->len);
    Violations vs = {0};
    Node *nodes;
    size_t n;
    tokenize(&t, 0, t.nchars, "", &nodes, &n, &vs);
    if (vs.n == 0) check_duplicates(nodes, n, &vs);
    bool ok = vs.n == 0;
    if (ok) {
        buf_puts(out, "{\"objects\":");
        emit_objects(out, nodes, n);
        buf_puts(out, "}");
    } else {
        fail_set(f, vs.v[0].rule, "%s", vs.v[0].message);
    }
    for (size_t i = 0; i < vs.n; i++) free(vs.v[i].message);
    free(vs.v);
    nodes_free(nodes, n);
    free(t.at);
    return ok;
}

static bool encode_objects(const JVal *objs, const char *path, int depth, Buf *out, Failure *f) {
    if (!objs || objs->type != J_ARR) {
        fail_set(f, "bad_request", "objects%s%s must be a list", path[0] ? " of " : "", path);
        return false;
    }
    if (depth > 3) { fail_set(f, "bad_request", "templates nested deeper than EMV MPM allows at %s", path); return false; }
    bool seen[100] = {false};
    /* At the root 00 goes first (EMV MPM §4.6.1.1) and the rest in the order given: pass 0 writes
       00, pass 1 everything else. Inside templates the order given is kept. */
    int passes = path[0] ? 1 : 2;
    for (int pass = 0; pass < passes; pass++)
    for (size_t i = 0; i < objs->n; i++) {
        const JVal *o = &objs->items[i];
        const JVal *id = jget(o, "id");
        if (passes == 2) {
            bool is00 = id && id->type == J_STR && id->len == 2 && id->str[0] == '0' && id->str[1] == '0';
            if (is00 != (pass == 0)) continue;
        }
        if (!id || id->type != J_STR || id->len != 2 || id->str[0] < '0' || id->str[0] > '9' || id->str[1] < '0' ||
            id->str[1] > '9') {
            fail_set(f, "mpm.tlv.id", "object %zu%s%s has no two-digit string id", i, path[0] ? " in " : "", path);
            return false;
        }
        int num = (id->str[0] - '0') * 10 + (id->str[1] - '0');
        char here[16];
        if (path[0]) snprintf(here, sizeof here, "%s.%s", path, id->str);
        else snprintf(here, sizeof here, "%s", id->str);
        if (path[0] == '\0' && num == 63) continue; /* the CRC is always recomputed and appended last */
        if (seen[num]) { fail_set(f, "mpm.tlv.duplicate", "id %s appears twice", here); return false; }
        seen[num] = true;
        const JVal *kids = jget(o, "children"), *val = jget(o, "value");
        Buf v = {0};
        if (kids) {
            if (!encode_objects(kids, here, depth + 1, &v, f)) { free(v.s); return false; }
        } else if (val && val->type == J_STR) {
            buf_put(&v, val->str, val->len);
        } else {
            fail_set(f, "bad_request", "object %s needs a string \"value\" or a \"children\" list", here);
            return false;
        }
        size_t n = utf8_count(v.s ? v.s : "", v.len);
        if (n < 1 || n > 99) {
            if (n == 0) fail_set(f, "mpm.tlv.empty", "value of %s is empty; omit the object instead", here);
            else fail_set(f, "mpm.field.length", "value of %s has %zu characters; at most 99 fit", here, n);
            free(v.s);
            return false;
        }
        buf_printf(out, "%s%02zu", id->str, n);
        buf_put(out, v.s, v.len);
        free(v.s);
    }
    return true;
}

static bool op_build(const JVal *req, Buf *out, Failure *f) {
    if (!check_mode(req, f)) return false;
    Buf body = {0};
    if (!encode_objects(jget(req, "objects"), "", 0, &body, f)) { free(body.s); return false; }
    buf_puts(&body, "6304");
    buf_printf(&body, "%04X", crc16_ccitt_false(body.s, body.len));
    buf_puts(out, "{\"payload\":");
    buf_json_str(out, body.s, body.len);
    buf_puts(out, "}");
    free(body.s);
    return true;
}

/* --- validation, profile emv (a subset of EMV MPM; see README) --- */

static bool all_digits(const char *s, size_t n) {
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

static bool all_ans(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E) return false;
    return true;
}

static bool val_is(const Node *n, const char *s) { return n && n->vbytes == strlen(s) && memcmp(n->val, s, n->vbytes) == 0; }

/* Digits with at most one ".", at least one digit before it (notes §4.4); nonzero: some 1–9. */
static bool number_ok(const char *s, size_t n, bool need_nonzero) {
    size_t i = 0, lead = 0;
    bool nonzero = false;
    while (i < n && s[i] >= '0' && s[i] <= '9') { nonzero |= s[i] != '0'; i++; lead++; }
    if (lead == 0) return false;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') { nonzero |= s[i] != '0'; i++; }
    }
    return i == n && (!need_nonzero || nonzero);
}

typedef struct {
    char fmt; /* 'N' digits, 'A' ans, 'S' any */
    size_t min, max;
} FieldSpec;

/* Data dictionary (notes §2, §3) of every primitive object: 'N' digits, 'A' ans (0x20-0x7E),
 * 'S' any character except controls. */
static bool field_spec(const char *parent, int id, FieldSpec *fs) {
    static const struct { int id; FieldSpec fs; } root[] = {
        {0, {'N', 2, 2}},  {1, {'N', 2, 2}},  {52, {'N', 4, 4}}, {53, {'N', 3, 3}}, {54, {'A', 1, 13}},
        {55, {'N', 2, 2}}, {56, {'A', 1, 13}}, {57, {'A', 1, 5}}, {58, {'A', 2, 2}}, {59, {'A', 1, 25}},
        {60, {'A', 1, 15}}, {61, {'A', 1, 10}}};
    if (parent[0] == '\0') {
        if (id >= 2 && id <= 25) { *fs = (FieldSpec){'A', 1, 99}; return true; }  /* primitive MAI */
        if (id >= 65 && id <= 79) { *fs = (FieldSpec){'S', 1, 99}; return true; } /* RFU, tolerated */
        for (size_t i = 0; i < sizeof root / sizeof root[0]; i++)
            if (root[i].id == id) { *fs = root[i].fs; return true; }
        return false;
    }
    if (strcmp(parent, "64") == 0) {
        if (id == 0) { *fs = (FieldSpec){'A', 2, 2}; return true; }
        if (id == 1) { *fs = (FieldSpec){'S', 1, 25}; return true; }
        if (id == 2) { *fs = (FieldSpec){'S', 1, 15}; return true; }
        *fs = (FieldSpec){'S', 1, 99};
        return true;
    }
    if (strcmp(parent, "62") == 0) {
        if (id >= 1 && id <= 8) { *fs = (FieldSpec){'A', 1, 25}; return true; }
        if (id == 9) { *fs = (FieldSpec){'A', 1, 3}; return true; }
        if (id == 10 || id == 11) { *fs = (FieldSpec){'A', 1, 99}; return true; }
        if (id >= 12 && id <= 49) { *fs = (FieldSpec){'S', 1, 99}; return true; }
        return false;
    }
    if (id == 0) *fs = (FieldSpec){'A', 1, 32}; /* Globally Unique Identifier */
    else *fs = (FieldSpec){'S', 1, 99};
    return true;
}

/* C0 and C1 control characters: bytes 0x00-0x1F, 0x7F, and U+0080-U+009F (C2 80..C2 9F). */
static bool has_control(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F) return true;
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] <= 0x9F) return true;
    }
    return false;
}

/* Templates that must carry a GUI, sub-ID 00 (§4.7.11.2, §4.8.1.5, §4.11.1.2). */
static bool needs_gui(const char *parent, int id) {
    if (parent[0] == '\0') return (id >= 26 && id <= 51) || id >= 80;
    return strcmp(parent, "62") == 0 && id >= 50;
}

static void check_fields(const Node *nodes, size_t n, const char *parent, Violations *vs) {
    for (size_t i = 0; i < n; i++) {
        const Node *nd = &nodes[i];
        int id = atoi(nd->id);
        if (nd->is_template && nd->nchars > 0) {
            bool gui = false;
            for (size_t k = 0; k < nd->nkids; k++) gui |= strcmp(nd->kids[k].id, "00") == 0;
            if (needs_gui(parent, id) && !gui)
                viol_addf(vs, "mpm.template.gui", "template %s has no sub-ID 00 (Globally Unique Identifier)", nd->path);
            check_fields(nd->kids, nd->nkids, nd->path, vs);
            continue;
        }
        FieldSpec fs;
        if (nd->nchars == 0 || (parent[0] == '\0' && id == 63) || !field_spec(parent, id, &fs)) continue;
        if (nd->nchars < fs.min || nd->nchars > fs.max)
            viol_addf(vs, "mpm.field.length", "%s has %zu characters; %zu..%zu required", nd->path, nd->nchars, fs.min, fs.max);
        if (fs.fmt == 'N' && !all_digits(nd->val, nd->vbytes))
            viol_addf(vs, "mpm.field.format", "%s must be digits", nd->path);
        if (fs.fmt == 'A' && !all_ans(nd->val, nd->vbytes))
            viol_addf(vs, "mpm.field.format", "%s must be printable ASCII (ans)", nd->path);
        if (fs.fmt == 'S' && has_control(nd->val, nd->vbytes))
            viol_addf(vs, "mpm.field.format", "%s must not hold control characters", nd->path);
    }
}

static const Node *find(const Node *nodes, size_t n, const char *id) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(nodes[i].id, id) == 0) return &nodes[i];
    return NULL;
}

static void validate_mpm(const Text *t, Violations *vs) {
    if (t->nchars == 0) { viol_addf(vs, "mpm.tlv.truncated", "payload is empty"); return; }
    Node *roots;
    size_t n;
    tokenize(t, 0, t->nchars, "", &roots, &n, vs);
    bool broken = structure_error(vs);

    /* CRC: checked on the raw text, so a broken structure elsewhere does not hide a bad CRC. */
    const Node *crc = find(roots, n, "63");
    const Node *last = n ? &roots[n - 1] : NULL;
    char want[5];
    if (!crc) {
        if (!broken) {
            viol_addf(vs, "mpm.crc.present", "CRC (63) is missing");
        } else if (t->nchars >= 8 && memcmp(t->s + t->at[t->nchars - 8], "6304", 4) == 0 &&
                   t->at[t->nchars - 4] == t->nbytes - 4) {
            const char *found = t->s + t->nbytes - 4;
            bool hex = true;
            for (int k = 0; k < 4; k++) hex &= hexval(found[k]) >= 0;
            snprintf(want, sizeof want, "%04X", crc16_ccitt_false(t->s, t->nbytes - 4));
            bool same = true;
            for (int k = 0; k < 4; k++) same &= hexval(found[k]) == hexval(want[k]);
            if (hex && !same) viol_addf(vs, "mpm.crc.mismatch", "CRC (63) is %.4s but the payload's CRC is %s", found, want);
        }
    } else {
        if (last && strcmp(last->id, "63") != 0)
            viol_addf(vs, "mpm.order.crc_last", "CRC (63) must be the last data object; it is followed by %s", last->id);
        else
            crc = last;
        bool hex = crc->vbytes == 4 && crc->nchars == 4;
        for (size_t k = 0; hex && k < 4; k++) hex = hexval(crc->val[k]) >= 0;
        if (!hex) {
            viol_addf(vs, "mpm.crc.format", "CRC (63) must be 4 hexadecimal digits");
        } else if (crc == last) {
            size_t covered = t->at[crc->offset];
            snprintf(want, sizeof want, "%04X", crc16_ccitt_false(t->s, covered));
            bool same = true;
            for (int k = 0; k < 4; k++) same &= hexval(crc->val[k]) == hexval(want[k]);
            if (!same) viol_addf(vs, "mpm.crc.mismatch", "CRC (63) is %.4s but the payload's CRC is %s", crc->val, want);
        }
    }

    const Node *pfi = find(roots, n, "00");
    if (n && strcmp(roots[0].id, "00") != 0)
        viol_addf(vs, "mpm.order.pfi_first", "payload format indicator (00) must come first; the payload starts with %s", roots[0].id);
    if (pfi && !val_is(pfi, "01")) viol_addf(vs, "mpm.pfi.value", "payload format indicator (00) must be \"01\"");
    if (!broken) {
        static const char *mandatory[] = {"00", "52", "53", "58", "59", "60"};
        for (size_t k = 0; k < 6; k++)
            if (!find(roots, n, mandatory[k])) viol_addf(vs, "mpm.root.mandatory", "mandatory data object %s is missing", mandatory[k]);
        bool mai = false;
        for (size_t k = 0; k < n; k++) {
            int id = atoi(roots[k].id);
            mai |= id >= 2 && id <= 51;
        }
        if (!mai) viol_addf(vs, "mpm.mai.present", "no merchant account information (an id in 02..51) is present");
    }
    check_duplicates(roots, n, vs);
    check_fields(roots, n, "", vs);

    const Node *init = find(roots, n, "01");
    if (init && !val_is(init, "11") && !val_is(init, "12"))
        viol_addf(vs, "mpm.poi.value", "point of initiation (01) must be \"11\" or \"12\"");
    const Node *country = find(roots, n, "58");
    if (country && !(country->vbytes == 2 && country->val[0] >= 'A' && country->val[0] <= 'Z' &&
                     country->val[1] >= 'A' && country->val[1] <= 'Z'))
        viol_addf(vs, "mpm.country.format", "country code (58) must be two upper-case letters (ISO 3166-1)");
    const Node *amount = find(roots, n, "54");
    if (amount && !number_ok(amount->val, amount->vbytes, true))
        viol_addf(vs, "mpm.amount.format", "transaction amount (54) is not a non-zero number with at most one \".\"");

    /* Tip / convenience fee matrix (notes §4.5): 55 decides which of 56 and 57 may be present. */
    const Node *tip = find(roots, n, "55"), *fixed = find(roots, n, "56"), *pct = find(roots, n, "57");
    if (tip && !val_is(tip, "01") && !val_is(tip, "02") && !val_is(tip, "03"))
        viol_addf(vs, "mpm.tip.value", "tip indicator (55) must be 01, 02 or 03");
    if (val_is(tip, "02") && !fixed) viol_addf(vs, "mpm.tip.fixed", "tip indicator 02 (fixed fee) requires 56");
    if (fixed && !val_is(tip, "02")) viol_addf(vs, "mpm.tip.fixed", "56 (fixed fee) must be absent unless tip indicator is 02");
    if (fixed && !number_ok(fixed->val, fixed->vbytes, true)) viol_addf(vs, "mpm.tip.fixed", "fixed fee (56) is not a non-zero number");
    if (val_is(tip, "03") && !pct) viol_addf(vs, "mpm.tip.percentage", "tip indicator 03 (percentage fee) requires 57");
    if (pct && !val_is(tip, "03")) viol_addf(vs, "mpm.tip.percentage", "57 (percentage fee) must be absent unless tip indicator is 03");
    if (pct) {
        /* 1-2 digits, optionally "." and 1-2 decimals: "00.01".."99.99" (§4.7.8) */
        size_t dot = 0;
        while (dot < pct->vbytes && pct->val[dot] != '.') dot++;
        size_t decimals = dot < pct->vbytes ? pct->vbytes - dot - 1 : 0;
        bool ok = number_ok(pct->val, pct->vbytes, false) && dot >= 1 && dot <= 2 &&
                  (dot == pct->vbytes || (decimals >= 1 && decimals <= 2));
        if (ok) {
            char tmp[17];
            memcpy(tmp, pct->val, pct->vbytes);
            tmp[pct->vbytes] = '\0';
            double v = strtod(tmp, NULL);
            ok = v >= 0.01;
        }
        if (!ok) viol_addf(vs, "mpm.tip.percentage", "percentage fee (57) is not in 00.01..99.99");
    }

    /* An empty 62 ("6200") is reported by the tokenizer as mpm.adf.nonempty. */
    const Node *adf = find(roots, n, "62");
    if (adf) {
        const Node *req = find(adf->kids, adf->nkids, "09");
        if (req) {
            bool ok = req->vbytes >= 1 && req->vbytes <= 3;
            for (size_t a = 0; ok && a < req->vbytes; a++) {
                char c = req->val[a];
                ok = c == 'A' || c == 'M' || c == 'E';
                for (size_t b = a + 1; ok && b < req->vbytes; b++) ok = req->val[b] != c;
            }
            if (!ok) viol_addf(vs, "mpm.adf.consumer_request", "62.09 must be a combination of A, M, E each at most once");
        }
    }
    const Node *lang = find(roots, n, "64");
    if (lang && lang->nchars > 0) {
        if (!find(lang->kids, lang->nkids, "00")) viol_addf(vs, "mpm.lang.required", "language template (64) has no 64.00");
        if (!find(lang->kids, lang->nkids, "01")) viol_addf(vs, "mpm.lang.required", "language template (64) has no 64.01");
        const Node *code = find(lang->kids, lang->nkids, "00");
        bool letters = code && code->vbytes == 2;
        for (size_t k = 0; letters && k < 2; k++)
            letters = (code->val[k] >= 'A' && code->val[k] <= 'Z') || (code->val[k] >= 'a' && code->val[k] <= 'z');
        if (code && !letters) viol_addf(vs, "mpm.lang.code", "64.00 must be two letters (ISO 639-1)");
    }
    nodes_free(roots, n);
}

static bool op_validate(const JVal *req, Buf *out, Failure *f) {
    const JVal *p = jget(req, "payload"), *profile = jget(req, "profile");
    if (!p || p->type != J_STR) { fail_set(f, "bad_request", "payload must be a string"); return false; }
    if (profile && !jis_str(profile, "emv")) { fail_set(f, "unsupported", "only profile \"emv\" is implemented"); return false; }
    Text t;
    text_init(&t, p->str, p->len);
    Violations vs = {0};
    validate_mpm(&t, &vs);
    buf_puts(out, vs.n ? "{\"valid\":false,\"violations\":[" : "{\"valid\":true,\"violations\":[");
    for (size_t i = 0; i < vs.n; i++) {
        if (i) buf_puts(out, ",");
        buf_puts(out, "{\"rule\":");
        buf_json_str(out, vs.v[i].rule, strlen(vs.v[i].rule));
        buf_puts(out, ",\"message\":");
        buf_json_str(out, vs.v[i].message, strlen(vs.v[i].message));
        buf_puts(out, "}");
        free(vs.v[i].message);
    }
    buf_puts(out, "]}");
    free(vs.v);
    free(t.at);
    return true;
}

static bool op_hello(const JVal *req, Buf *out, Failure *f) {
    (void)req;
    (void)f;
    buf_puts(out, "{\"name\":\"example-c\",\"version\":\"0.1.0\",\"ops\":[\"hello\",\"parse\",\"build\",\"validate\"],"
                  "\"profiles\":[\"emv\"]}");
    return true;
}

/* ------------------------------------------------------------------ I/O shell */

static void answer(const char *line, size_t n, Buf *out) {
    JParser jp = {line, line + n, NULL, 0};
    JVal req;
    Failure f = {NULL, {0}};
    Buf result = {0};
    bool parsed = jparse_value(&jp, &req);
    if (parsed) {
        jskip_ws(&jp);
        if (jp.p != jp.end) { parsed = false; jp.err = "trailing characters after the request"; }
    }
    const JVal *id = parsed ? jget(&req, "id") : NULL;
    buf_puts(out, "{\"id\":");
    if (id && id->type == J_NUM) buf_put(out, id->str, id->len);
    else if (id && id->type == J_STR) buf_json_str(out, id->str, id->len);
    else buf_puts(out, "null");

    bool ok = false;
    if (!parsed) {
        fail_set(&f, "bad_request", "request is not JSON: %s at byte %zu", jp.err ? jp.err : "?", (size_t)(jp.p - line));
    } else if (req.type != J_OBJ) {
        fail_set(&f, "bad_request", "request must be a JSON object");
    } else {
        static const struct { const char *name; bool (*fn)(const JVal *, Buf *, Failure *); } ops[] = {
            {"hello", op_hello}, {"parse", op_parse}, {"build", op_build}, {"validate", op_validate}};
        const JVal *op = jget(&req, "op");
        size_t k = 0;
        while (k < 4 && !jis_str(op, ops[k].name)) k++;
        if (k == 4) fail_set(&f, "unknown_op", "unknown op");
        else ok = ops[k].fn(&req, &result, &f);
    }
    if (ok) {
        buf_puts(out, ",\"ok\":true,\"result\":");
        buf_put(out, result.s, result.len);
    } else {
        buf_puts(out, ",\"ok\":false,\"error\":{\"code\":");
        buf_json_str(out, f.code, strlen(f.code));
        buf_puts(out, ",\"message\":");
        buf_json_str(out, f.msg.s ? f.msg.s : "", f.msg.len);
        buf_puts(out, "}");
    }
    buf_puts(out, "}\n");
    free(result.s);
    free(f.msg.s);
    jfree(&req); /* also frees what a failed parse had built so far */
}

int main(void) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    Buf out = {0};
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
        bool blank = true;
        for (size_t i = 0; i < len && blank; i++) blank = line[i] == ' ' || line[i] == '\t';
        if (blank) continue;
        out.len = 0;
        answer(line, len, &out);
        fwrite(out.s, 1, out.len, stdout);
        fflush(stdout);
    }
    free(line);
    free(out.s);
    return 0;
}

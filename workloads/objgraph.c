/* objgraph: a JSON object graph of a few hundred MB, built and torn down
 * three times. Models
 *
 *   for cycle in range(3):
 *       records = []
 *       for line in lines:                    # one JSON document per line
 *           records.append(json.loads(line))
 *       if cycle == 1:                         # random order
 *           order = list(range(len(records)))
 *           random.shuffle(order)
 *           for i in order:
 *               records[i] = None
 *           del order
 *       else:                                  # creation order
 *           for i in range(len(records)):
 *               records[i] = None
 *       del records
 *
 * where each line is a document like
 *
 *   {"id": 48213377, "name": "...", "email": "...", "score": 0.7342,
 *    "active": true, "tags": ["...", ...], "pos": [1.5, -2.25, 0.5],
 *    "history": [{"t": 1650000000, "v": 0.25}, ...],
 *    "meta": {"source": "...", "version": 3, "flags": [1, 7]},
 *    "bio": "... (sometimes, up to 6000 chars)",
 *    "blob": [... (rarely, up to 3000 ints)]}
 *
 * The allocations are those of CPython 3.11's C json scanner: a dict per
 * object (64 bytes, then a keys table that grows 120 -> 208 -> 400 bytes);
 * a list per array (56 bytes, item array grown by append); a str per string
 * and per key (49 + len; a key seen before in the same document is freed at
 * once and the first one, kept in the scanner's memo, is shared); for each
 * number a temporary bytes object (33 + digits) and then the int (allocated
 * even when small, then swapped for the cached one) or float. Each line is a
 * str that dies when the next one is read. Long bios and blobs take
 * the system allocator's path (> 512 bytes).
 *
 * Teardown follows refcounting: a record dies with everything it owns, dicts
 * entry by entry (key, then value), lists last item first, and a shared key
 * str with its last reference. Peaks of ~300 MB of live requests at scale 1,
 * valleys near zero in between.
 *
 * The program itself is workloads/python/objgraph.py: `pyrun_<backend>` runs it
 * on a backend, `pytrace` captures its allocations. */
#include "common/rng.h"
#include "workloads/generators.h"
#include "workloads/pymodel.h"
#include "workloads/scratch.h"

#define CYCLES 3

/* ---- documents --------------------------------------------------------------
 * A document is first planned as a token stream (so the line's length is
 * known before the line is read), then "parsed" from the tokens. */

enum {
  TK_OBJECT, /* then KEY value pairs up to TK_END */
  TK_LIST,   /* then values up to TK_END */
  TK_END,
  TK_KEY,   /* value: key index */
  TK_STR,   /* value: length */
  TK_INT,   /* value: the number */
  TK_FLOAT, /* value: digits in the text */
  TK_CONST, /* true, false, null */
};

enum {
  K_ID,
  K_NAME,
  K_EMAIL,
  K_SCORE,
  K_ACTIVE,
  K_TAGS,
  K_POS,
  K_HISTORY,
  K_META,
  K_BIO,
  K_BLOB,
  K_T,
  K_V,
  K_SOURCE,
  K_VERSION,
  K_FLAGS,
  K_COUNT
};

static const uint8_t key_len[K_COUNT] = {2, 4, 5, 5, 6, 4, 3, 7,
                                         4, 3, 4, 1, 1, 6, 7, 5};

typedef struct token {
  uint32_t type;
  uint64_t value;
} token;

typedef struct planner {
  wl_array *tokens;
  pb_rng *rng;
  uint64_t text; /* characters of the JSON text so far */
} planner;

static void tok(planner *p, uint32_t type, uint64_t value, uint64_t text) {
  token *t = wl_array_push(p->tokens);
  t->type = type;
  t->value = value;
  p->text += text;
}

static void key(planner *p, unsigned k) {
  tok(p, TK_KEY, k, key_len[k] + 4u); /* "k": and a comma or brace */
}

static void str(planner *p, uint64_t lo, uint64_t hi) {
  uint64_t len = pb_rng_range(p->rng, lo, hi);
  tok(p, TK_STR, len, len + 2);
}

static void num(planner *p, uint64_t lo, uint64_t hi) {
  uint64_t v = pb_rng_range(p->rng, lo, hi);
  tok(p, TK_INT, v, py_decimal_digits(v) + 1);
}

static void flt(planner *p) {
  uint64_t d = pb_rng_range(p->rng, 3, 18);
  tok(p, TK_FLOAT, d, d + 1);
}

static void plan_document(planner *p) {
  pb_rng *r = p->rng;
  tok(p, TK_OBJECT, 0, 2);
  key(p, K_ID), num(p, 100000, 2000000000);
  key(p, K_NAME), str(p, 6, 20);
  key(p, K_EMAIL), str(p, 12, 40);
  key(p, K_SCORE), flt(p);
  key(p, K_ACTIVE), tok(p, TK_CONST, 0, 5);
  key(p, K_TAGS), tok(p, TK_LIST, 0, 2);
  for (uint64_t n = pb_rng_below(r, 9); n > 0; n--) str(p, 3, 12);
  tok(p, TK_END, 0, 0);
  key(p, K_POS), tok(p, TK_LIST, 0, 2);
  for (uint64_t n = pb_rng_range(r, 2, 3); n > 0; n--) flt(p);
  tok(p, TK_END, 0, 0);
  key(p, K_HISTORY), tok(p, TK_LIST, 0, 2);
  for (uint64_t n = pb_rng_below(r, 17); n > 0; n--) {
    tok(p, TK_OBJECT, 0, 2);
    key(p, K_T), num(p, 1600000000, 1700000000);
    key(p, K_V), flt(p);
    tok(p, TK_END, 0, 0);
  }
  tok(p, TK_END, 0, 0);
  key(p, K_META), tok(p, TK_OBJECT, 0, 2);
  key(p, K_SOURCE), str(p, 4, 10);
  key(p, K_VERSION), num(p, 1, 20);
  key(p, K_FLAGS), tok(p, TK_LIST, 0, 2);
  for (uint64_t n = pb_rng_below(r, 5); n > 0; n--) num(p, 0, 255);
  tok(p, TK_END, 0, 0);
  tok(p, TK_END, 0, 0);
  if (pb_rng_percent(r, 20)) key(p, K_BIO), str(p, 200, 5000);
  if (pb_rng_percent(r, 3)) {
    key(p, K_BLOB), tok(p, TK_LIST, 0, 2);
    for (uint64_t n = pb_rng_range(r, 100, 1500); n > 0; n--)
      num(p, 1000000, 1000000000000ull);
    tok(p, TK_END, 0, 0);
  }
  tok(p, TK_END, 0, 0);
}

/* ---- parsing, and the teardown it implies ---------------------------------
 * While parsing, each object's eventual deallocation is appended to a
 * sequence of "dies" steps in the order refcounting will run them, so a
 * record's teardown is a replay of its slice of that sequence. */

enum {
  D_FREE,     /* a block without free list: str, int, keys table */
  D_FLOAT,    /* a float (free list) */
  D_LIST,     /* a list object (free list), after its array */
  D_DICT,     /* a dict object (free list), after its keys table */
  D_KEYS_MIN, /* a minimum-size str-keyed keys table (free list) */
  D_KEYREF,   /* a dict drops a key str; slot: key index. Resolved per record
                 into the D_FREE of the key's last reference. */
  D_NONE,     /* dropped when resolving */
};

typedef struct dies {
  uint32_t slot;
  uint32_t kind;
} dies;

typedef struct parser {
  py_heap *h;
  const token *tk; /* next token */
  wl_array *seq;   /* dies */
  wl_array *marks; /* size_t offsets into seq: list item boundaries */
  py_dict memo;
  uint32_t key_slot[K_COUNT]; /* the memo's key strs */
  uint32_t key_seen;          /* bit k: key k is in the memo */
} parser;

static void will_die(parser *p, uint32_t slot, uint32_t kind) {
  if (slot == PY_NO_BLOCK) return;
  dies *d = wl_array_push(p->seq);
  d->slot = slot;
  d->kind = kind;
}

static void reverse(dies *d, size_t lo, size_t hi) {
  while (hi > lo + 1) {
    dies tmp = d[lo];
    d[lo++] = d[--hi];
    d[hi] = tmp;
  }
}

/* list_dealloc drops items last to first: reverse the order of the item
 * blocks marks[base..] delimit, keeping each block's own order. */
static void reverse_items(parser *p, size_t base) {
  size_t *m = &WL_AT(p->marks, size_t, base);
  size_t items = p->marks->len - base - 1;
  dies *d = p->seq->data;
  size_t lo = m[0], hi = m[items];
  reverse(d, lo, hi);
  for (size_t i = 0; i < items; i++) {
    size_t len = m[i + 1] - m[i];
    if (len > 1) reverse(d, lo + (hi - m[i + 1]), lo + (hi - m[i + 1]) + len);
  }
}

static void parse_value(parser *p);

static void parse_object(parser *p) {
  py_heap *h = p->h;
  py_dict d;
  py_dict_new(h, &d, 1); /* PyDict_New(), then PyDict_SetItem per pair */
  while (p->tk->type != TK_END) {
    unsigned k = (unsigned)p->tk++->value; /* TK_KEY */
    /* The key is scanned into a new str; the memo keeps the first one and
     * a repeat dies at once. */
    uint32_t s = py_str_new(h, key_len[k]);
    if (p->key_seen & (1u << k)) {
      py_free(h, s);
    } else {
      p->key_seen |= 1u << k;
      p->key_slot[k] = s;
      py_dict_insert(h, &p->memo);
    }
    will_die(p, k, D_KEYREF);
    parse_value(p);
    py_dict_insert(h, &d);
  }
  p->tk++; /* TK_END */
  if (d.keys != PY_NO_BLOCK)
    will_die(p, d.keys, d.log2_size == 3 ? D_KEYS_MIN : D_FREE);
  will_die(p, d.obj, D_DICT);
}

static void parse_list(parser *p) {
  py_heap *h = p->h;
  py_list l;
  py_list_new(h, &l); /* PyList_New(0), then PyList_Append per item */
  size_t base = p->marks->len;
  *(size_t *)wl_array_push(p->marks) = p->seq->len;
  while (p->tk->type != TK_END) {
    parse_value(p);
    py_list_append(h, &l);
    *(size_t *)wl_array_push(p->marks) = p->seq->len;
  }
  p->tk++;
  reverse_items(p, base);
  p->marks->len = base;
  will_die(p, l.items, D_FREE);
  will_die(p, l.obj, D_LIST);
}

/* A number: the text goes into a temporary bytes object first. */
static uint32_t number_bytes(parser *p, uint32_t len) {
  return pb_trace_malloc(p->h->t, 33 + len, PB_TOUCH_OBJECT);
}

static void parse_value(parser *p) {
  py_heap *h = p->h;
  const token *t = p->tk++;
  switch (t->type) {
    case TK_OBJECT:
      parse_object(p);
      break;
    case TK_LIST:
      parse_list(p);
      break;
    case TK_STR:
      will_die(p, py_str_new(h, (uint32_t)t->value), D_FREE);
      break;
    case TK_INT: {
      uint32_t bytes = number_bytes(p, py_decimal_digits(t->value));
      /* PyLong_FromString allocates even a small int, then returns the
       * cached one instead. */
      uint32_t v =
          pb_trace_malloc(h->t, py_int_size(t->value), PB_TOUCH_OBJECT);
      if (t->value <= PY_INT_SMALL_MAX) {
        py_free(h, v);
        v = PY_NO_BLOCK;
      }
      py_free(h, bytes);
      will_die(p, v, D_FREE);
      break;
    }
    case TK_FLOAT: {
      uint32_t bytes = number_bytes(p, (uint32_t)t->value);
      uint32_t v = py_float_new(h);
      py_free(h, bytes);
      will_die(p, v, D_FLOAT);
      break;
    }
    default: /* TK_CONST: a singleton */
      break;
  }
}

/* Turns the record's D_KEYREFs into the free of each key str at its last
 * reference, and drops the rest. */
static void resolve_keys(parser *p, size_t start) {
  dies *d = p->seq->data;
  uint32_t freed = 0;
  for (size_t i = p->seq->len; i-- > start;) {
    if (d[i].kind != D_KEYREF) continue;
    uint32_t k = d[i].slot;
    if (freed & (1u << k) || p->key_slot[k] == PY_NO_BLOCK) {
      d[i].kind = D_NONE;
    } else {
      freed |= 1u << k;
      d[i].slot = p->key_slot[k];
      d[i].kind = D_FREE;
    }
  }
  size_t out = start;
  for (size_t i = start; i < p->seq->len; i++)
    if (d[i].kind != D_NONE) d[out++] = d[i];
  p->seq->len = out;
}

static void die_all(py_heap *h, const dies *d, size_t n) {
  for (size_t i = 0; i < n; i++) {
    switch (d[i].kind) {
      case D_FREE:
        pb_trace_free(h->t, d[i].slot);
        break;
      case D_FLOAT:
        py_float_free(h, d[i].slot);
        break;
      case D_LIST:
        py_list_object_free(h, d[i].slot);
        break;
      case D_DICT:
        py_dict_object_free(h, d[i].slot);
        break;
      case D_KEYS_MIN:
        py_dict_keys_free(h, d[i].slot, 3, 1);
        break;
    }
  }
}

typedef struct record {
  size_t start, end; /* its slice of the dies sequence */
} record;

typedef struct order_item {
  uint32_t index; /* into records */
  uint32_t num;   /* the int object in `order` */
} order_item;

static void record_die(py_heap *h, wl_array *seq, const record *r) {
  die_all(h, &WL_AT(seq, dies, r->start), r->end - r->start);
}

void pb_generate_objgraph(pb_trace *t, uint64_t seed, double scale) {
  pb_trace_init(t, "objgraph", seed, scale);
  py_heap heap, *h = &heap;
  py_heap_init(h, t);
  pb_rng rng = pb_rng_seeded(seed, 4);
  const uint64_t n = wl_scaled(54000, scale); /* documents per cycle */

  wl_array tokens, seq, marks, records, order;
  wl_array_init(&tokens, sizeof(token));
  wl_array_init(&seq, sizeof(dies));
  wl_array_init(&marks, sizeof(size_t));
  wl_array_init(&records, sizeof(record));
  wl_array_init(&order, sizeof(order_item));
  uint32_t line = PY_NO_BLOCK;

  for (int cycle = 0; cycle < CYCLES; cycle++) {
    py_list records_list;
    py_list_new(h, &records_list);
    seq.len = records.len = 0;

    for (uint64_t i = 0; i < n; i++) {
      tokens.len = 0;
      planner pl = {&tokens, &rng, 0};
      plan_document(&pl);

      /* for line in lines: the new line, then the old one dies. */
      uint32_t next_line = py_str_new(h, (uint32_t)pl.text);
      py_free(h, line);
      line = next_line;

      /* json.loads(line): a memo dict for the keys, the parse, and the
       * memo's death (its key strs live on in the document). */
      parser p = {h, tokens.data, &seq, &marks, {0}, {0}, 0};
      py_dict_new(h, &p.memo, 1);
      record *r = wl_array_push(&records);
      r->start = seq.len;
      parse_value(&p);
      py_dict_dealloc(h, &p.memo);
      for (unsigned k = 0; k < K_COUNT; k++)
        if (!(p.key_seen & (1u << k))) p.key_slot[k] = PY_NO_BLOCK;
      resolve_keys(&p, r->start);
      r->end = seq.len;
      py_list_append(h, &records_list); /* records.append(...) */
    }

    if (cycle == 1) {
      /* order = list(range(n)): exactly sized (rounded up to even), then
       * the ints; random.shuffle permutes it without allocating. */
      py_list order_list;
      py_list_new(h, &order_list);
      order_list.items =
          pb_trace_malloc(t, (uint32_t)(8 * ((n + 1) & ~1ull)), PB_TOUCH_ARRAY);
      order.len = 0;
      for (uint64_t i = 0; i < n; i++) {
        order_item *o = wl_array_push(&order);
        o->index = (uint32_t)i;
        o->num = py_int_new(h, (int64_t)i);
      }
      for (size_t i = n - 1; i > 0; i--) {
        size_t j = pb_rng_below(&rng, i + 1);
        order_item tmp = WL_AT(&order, order_item, i);
        WL_AT(&order, order_item, i) = WL_AT(&order, order_item, j);
        WL_AT(&order, order_item, j) = tmp;
      }
      for (size_t i = 0; i < n; i++)
        record_die(
            h, &seq,
            &WL_AT(&records, record, WL_AT(&order, order_item, i).index));
      /* del order: its ints last to first (the loop variable's hold on the
       * last one is not modeled), then del records. */
      for (size_t i = n; i-- > 0;) py_free(h, WL_AT(&order, order_item, i).num);
      py_list_dealloc(h, &order_list);
      py_list_dealloc(h, &records_list);
    } else {
      /* for i in range(len(records)): records[i] = None */
      uint32_t i_obj = PY_NO_BLOCK;
      for (uint64_t i = 0; i < n; i++) {
        uint32_t next_i = py_int_new(h, (int64_t)i);
        py_free(h, i_obj);
        i_obj = next_i;
        record_die(h, &seq, &WL_AT(&records, record, i));
      }
      py_list_dealloc(h, &records_list);
      py_free(h, i_obj);
    }
  }
  py_free(h, line);

  wl_array_free(&tokens);
  wl_array_free(&seq);
  wl_array_free(&marks);
  wl_array_free(&records);
  wl_array_free(&order);
  py_heap_finish(h);
}

/* objgraph: a JSON object graph of a few hundred MB, built and torn down
 * three times. Models
 *
 *   lines = [document(rng) for _ in range(min(n, 1000))]  # the feed
 *   for cycle in range(3):
 *       records = []
 *       for k in range(n):
 *           records.append(json.loads(lines[k % len(lines)]))
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
 * where document(rng) builds a dict of random values (each text joined from
 * rng.choices of letters) and returns json.dumps of it, a line like
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
 * even when small, then swapped for the cached one) or float. Around the
 * scanner, json.loads runs WHITESPACE.match twice (the SRE state's marks, 0
 * bytes, and data stack, 1,094 bytes, from PyMem; the 120-byte match
 * object), and makes the end offsets and len(s) as ints. Long bios and
 * blobs, and those data stacks, take the system allocator's path (> 512
 * bytes). The feed's lines live throughout; making one built its document's
 * objects, a list of characters per text (grown by append) and a chunk str
 * per value for json.dumps, all dead once the line is joined.
 *
 * Teardown follows refcounting: a record dies with everything it owns, dicts
 * entry by entry (key, then value), lists last item first, and a shared key
 * str with its last reference. Peaks of ~300 MB of live requests at scale 1,
 * valleys near zero in between.
 *
 * The program itself is workloads/python/objgraph.py: `pyrun_<backend>` runs it
 * on a backend, `pytrace` captures its allocations. */
#include "common/map.h"
#include "common/rng.h"
#include "workloads/generators.h"
#include "workloads/pymodel.h"
#include "workloads/scratch.h"

#define CYCLES 3
#define FEED 1000      /* distinct documents, read in turn */
#define SRE_STACK 1094 /* the data stack of an SRE match's state */
#define MATCH_SIZE 120 /* a match object with its GC header */

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
  return py_bytes_new(p->h, len);
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
      uint32_t v = py_int_parsed(h, t->value);
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

/* WHITESPACE.match(s, i).end(): the SRE state's marks and data stack, the
 * match object, the end offset; all gone by the end of the expression. */
static void whitespace_match(py_heap *h, uint64_t end) {
  uint32_t marks = py_mem_malloc(h, 0, PB_TOUCH_NONE);
  uint32_t stack = py_mem_malloc(h, SRE_STACK, PB_TOUCH_NONE);
  uint32_t match = py_obj_malloc(h, MATCH_SIZE, PB_TOUCH_OBJECT);
  py_free(h, stack);
  py_free(h, marks);
  py_free(h, py_int_new_unsigned(h, end));
  py_free(h, match);
}

/* The objects of the document planned at tokens, as the scanner makes
 * them: their dies steps appended to seq, as record r. */
static void scan(py_heap *h, const token *tokens, wl_array *seq,
                 wl_array *marks, record *r) {
  parser p = {h, tokens, seq, marks, {0}, {0}, 0};
  py_dict_new(h, &p.memo, 1);
  r->start = seq->len;
  parse_value(&p);
  py_dict_dealloc(h, &p.memo); /* PyDict_Clear(memo) after the scan */
  for (unsigned k = 0; k < K_COUNT; k++)
    if (!(p.key_seen & (1u << k))) p.key_slot[k] = PY_NO_BLOCK;
  resolve_keys(&p, r->start);
  r->end = seq->len;
}

/* json.loads of the document planned at tokens, text characters long. */
static void loads(py_heap *h, const token *tokens, uint64_t text, wl_array *seq,
                  wl_array *marks, record *r) {
  whitespace_match(h, 0);
  scan(h, tokens, seq, marks, r);
  uint32_t end = py_int_new_unsigned(h, text); /* raw_decode's end */
  whitespace_match(h, text);
  py_free(h, py_int_new_unsigned(h, text)); /* len(s) */
  py_free(h, end);
}

#define COMPREHENSION_SIZE 152 /* the function object of [... for ...] */
#define ITERATOR_SIZE 48       /* a range and its iterator */

/* The draw of a random value of that magnitude, whose result the document
 * keeps (scan makes it): randint's bound, width and draws, its method. */
static void draw(py_heap *h, uint64_t magnitude) {
  uint32_t method = py_obj_malloc(h, 72, PB_TOUCH_OBJECT);
  uint32_t bound = py_int_new_big(h, magnitude);
  uint32_t width = py_int_new_big(h, magnitude);
  uint32_t r = py_int_new_unsigned(h, magnitude);
  py_free(h, r);
  py_free(h, method);
  py_free(h, width);
  py_free(h, bound);
}

/* document(rng): each value drawn (draw()), each list a comprehension over
 * a range, each text "".join(rng.choices(...)) (a list of its characters,
 * grown by append); the document's objects; then json.dumps: a chunk str
 * per value (the strs quoted), joined into the line. Only the line
 * survives. */
static uint32_t compose(py_heap *h, const token *tokens, size_t ntokens,
                        uint64_t text, wl_array *seq, wl_array *marks) {
  for (size_t k = 0; k < ntokens; k++) {
    if (tokens[k].type == TK_INT) draw(h, tokens[k].value);
    if (tokens[k].type == TK_LIST) {
      draw(h, 0);
      uint32_t f = py_obj_malloc(h, COMPREHENSION_SIZE, PB_TOUCH_OBJECT);
      uint32_t range = py_obj_malloc(h, ITERATOR_SIZE, PB_TOUCH_OBJECT);
      uint32_t it = py_obj_malloc(h, ITERATOR_SIZE, PB_TOUCH_OBJECT);
      py_free(h, it);
      py_free(h, range);
      py_free(h, f);
    }
    if (tokens[k].type != TK_STR) continue;
    draw(h, tokens[k].value);
    py_list letters;
    py_list_new(h, &letters);
    for (uint64_t c = 0; c < tokens[k].value; c++) py_list_append(h, &letters);
    py_list_dealloc(h, &letters);
  }
  record doc;
  scan(h, tokens, seq, marks, &doc);
  wl_array chunks;
  wl_array_init(&chunks, sizeof(uint32_t));
  py_list chunk_list;
  py_list_new(h, &chunk_list);
  for (size_t k = 0; k < ntokens; k++) {
    uint64_t len = tokens[k].type == TK_STR ? tokens[k].value + 2
                   : tokens[k].type == TK_INT
                       ? py_decimal_digits(tokens[k].value)
                   : tokens[k].type == TK_FLOAT ? tokens[k].value
                                                : 0;
    if (len < 2) continue;
    wl_push_u32(&chunks, py_str_new(h, (uint32_t)len));
    py_list_append(h, &chunk_list);
  }
  uint32_t line = py_str_new(h, (uint32_t)text);
  while (chunks.len > 0) py_free(h, wl_pop_u32(&chunks));
  py_list_dealloc(h, &chunk_list);
  wl_array_free(&chunks);
  record_die(h, seq, &doc);
  seq->len = doc.start;
  return line;
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

  /* lines = [document(rng) for _ in range(min(n, FEED))]: each document
   * planned once; feed[d] is where its tokens start, then its text length
   * and its line. */
  const size_t feed = n < FEED ? (size_t)n : FEED;
  struct {
    size_t start;
    uint64_t text;
    uint32_t line;
  } *docs = pb_map_or_fail(feed * sizeof *docs, "the feed's documents");
  for (size_t d = 0; d < feed; d++) {
    planner pl = {&tokens, &rng, 0};
    docs[d].start = tokens.len;
    plan_document(&pl);
    docs[d].text = pl.text;
  }
  py_list lines;
  py_list_new(h, &lines);
  for (size_t d = 0; d < feed; d++) {
    const token *first = &WL_AT(&tokens, token, docs[d].start);
    size_t end = d + 1 < feed ? docs[d + 1].start : tokens.len;
    docs[d].line =
        compose(h, first, end - docs[d].start, docs[d].text, &seq, &marks);
    py_list_append(h, &lines);
  }

  uint32_t k_obj = PY_NO_BLOCK;
  for (int cycle = 0; cycle < CYCLES; cycle++) {
    py_list records_list;
    py_list_new(h, &records_list);
    seq.len = records.len = 0;

    for (uint64_t i = 0; i < n; i++) {
      /* for k in range(n): lines[k % len(lines)] */
      py_int_rebind(h, &k_obj, (int64_t)i);
      py_free(h, py_int_new_unsigned(h, feed));
      py_free(h, py_int_new(h, (int64_t)(i % feed)));
      const token *doc = &WL_AT(&tokens, token, docs[i % feed].start);
      loads(h, doc, docs[i % feed].text, &seq, &marks, wl_array_push(&records));
      py_list_append(h, &records_list); /* records.append(...) */
    }

    if (cycle == 1) {
      /* order = list(range(len(records))): exactly sized (rounded up to
       * even), then the ints; rng.shuffle(order) draws j = randbelow(i + 1)
       * for i from n - 1 down (pymodel.h) and permutes in place. */
      py_list order_list;
      py_list_new(h, &order_list);
      order_list.items =
          py_mem_malloc(h, (uint32_t)(8 * ((n + 1) & ~1ull)), PB_TOUCH_ARRAY);
      order.len = 0;
      for (uint64_t i = 0; i < n; i++) {
        order_item *o = wl_array_push(&order);
        o->index = (uint32_t)i;
        o->num = py_int_new(h, (int64_t)i);
      }
      for (size_t i = n - 1; i > 0; i--) {
        uint32_t i_obj = py_int_new(h, (int64_t)i);
        uint32_t bound = py_int_new(h, (int64_t)i + 1);
        uint64_t j;
        py_free(h, py_randrange(h, &rng, i + 1, &j));
        py_free(h, bound);
        py_free(h, i_obj);
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
  py_free(h, k_obj);
  /* main returns: lines dies, its strs last to first. */
  for (size_t d = feed; d-- > 0;) py_free(h, docs[d].line);
  py_list_dealloc(h, &lines);
  pb_unmap(docs, feed * sizeof *docs);

  wl_array_free(&tokens);
  wl_array_free(&seq);
  wl_array_free(&marks);
  wl_array_free(&records);
  wl_array_free(&order);
  py_heap_finish(h);
}

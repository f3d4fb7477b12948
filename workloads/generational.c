/* generational: a slowly growing long-lived heap under heavy short-lived
 * churn. Models a request loop with a cache:
 *
 *   cache = {}
 *   for step in range(first, first + n):
 *       req = {"id": step, "user": f"user{step % 9973}",
 *              "path": f"/api/items/{step}", "score": step * 0.5,
 *              "tags": ["new", "web"]}
 *       parts = req["path"].split("/")
 *       body = render(req, parts, rng)        # a str of 100..400 chars
 *       resp = (step, body)
 *       if step % 8 == 0:
 *           cache[step] = (req["user"], body, step * 0.25)
 *       if step % 2048 == 0:
 *           for _ in range(64):
 *               del cache[next(iter(cache))]  # the oldest entries go
 *
 * where render joins three pieces (the user name repeated to rng.randint(20,
 * 60) characters or so, "/".join(parts), str(req["score"]) * 4) and pads
 * the result to rng.randint(100, 400) characters with str.ljust.
 *
 * Nearly everything dies young: a step's objects die when the next step
 * rebinds req, parts, body and resp. The dict, list, tuple and float free
 * lists absorb the containers, so mostly strs and ints reach the allocator.
 * One step in 8 leaves an entry in the cache, which keeps that step's int,
 * user str and body alive (they are shared with the short-lived objects);
 * evictions remove a quarter of the additions, so the old generation grows
 * slowly, to several MB, and the cache's keys table is reallocated as it
 * doubles (its int keys make 24-byte entries). The f-strings format their
 * ints through str() (a scratch int, then the digits' str) before joining;
 * randint makes its ints and bound method (pymodel.h).
 *
 * The program itself is workloads/python/generational.py: `pyrun_<backend>`
 * runs it on a backend, `pytrace` captures its allocations. */
#include "common/rng.h"
#include "workloads/generators.h"
#include "workloads/pymodel.h"
#include "workloads/scratch.h"

#define DICT_ITER_SIZE 72 /* dictiterobject with its GC header */

/* An object that several others reference: freed with its last reference. */
typedef struct shared {
  uint32_t slot;
  uint32_t refs;
} shared;

typedef struct step_objs {
  shared step, user, body;
} step_objs;

typedef struct req_objs {
  py_dict dict;
  uint32_t path, score;
  py_list tags;
  step_objs *s; /* for its id and user */
} req_objs;

typedef struct parts_objs {
  py_list list;
  uint32_t strs[3]; /* "api", "items", the digits; "" is a singleton */
} parts_objs;

typedef struct entry {
  uint64_t k; /* step index: key, user and body */
  uint32_t tuple, score;
} entry;

static void decref(py_heap *h, shared *s) {
  if (--s->refs == 0) py_free(h, s->slot);
}

/* dict_dealloc of req: its entries in order, the keys table, the dict. */
static void req_die(py_heap *h, req_objs *r) {
  decref(h, &r->s->step); /* "id" */
  decref(h, &r->s->user);
  py_free(h, r->path);
  py_float_free(h, r->score);
  py_list_dealloc(h, &r->tags); /* its items are interned constants */
  py_dict_dealloc(h, &r->dict);
}

static void parts_die(py_heap *h, parts_objs *p) {
  for (int j = 2; j >= 0; j--) py_free(h, p->strs[j]);
  py_list_dealloc(h, &p->list);
}

/* The cache's value (user, body, score) dies: items last to first. */
static void value_die(py_heap *h, step_objs *s, entry *e) {
  py_float_free(h, e->score);
  decref(h, &s->body);
  decref(h, &s->user);
  py_tuple_free(h, e->tuple, 3);
}

void pb_generate_generational(pb_trace *t, uint64_t seed, double scale) {
  pb_trace_init(t, "generational", seed, scale);
  py_heap heap, *h = &heap;
  py_heap_init(h, t);
  pb_rng rng = pb_rng_seeded(seed, 6);

  const uint64_t n = wl_scaled(170000, scale);
  const uint64_t first = 1000000 + pb_rng_below(&rng, 8000000);
  wl_array steps, entries;
  wl_array_init(&steps, sizeof(step_objs));
  wl_array_reserve(&steps, n);
  wl_array_init(&entries, sizeof(entry));
  size_t oldest = 0; /* entries[oldest..] are in the cache, oldest first */

  py_dict cache;
  py_dict_new(h, &cache, 0);
  req_objs req = {0}, new_req;
  parts_objs parts = {0}, new_parts;
  step_objs *prev = NULL; /* the previous step: its body and resp */
  uint32_t resp = PY_NO_BLOCK;

  for (uint64_t k = 0; k < n; k++) {
    uint64_t step = first + k;
    step_objs *s = wl_array_push(&steps);

    /* for step in range(...): the old step loses the loop's reference. */
    s->step.slot = py_int_new(h, (int64_t)step);
    s->step.refs = 1;
    if (prev) decref(h, &prev->step);

    /* req = {...}: the values in order, then the dict. */
    new_req.s = s;
    s->step.refs++;
    uint32_t mod = py_int_new(h, (int64_t)(step % 9973));
    uint32_t mod_str = py_str_of_int(h, step % 9973);
    py_free(h, mod);
    uint32_t user_len = 4 + py_decimal_digits(step % 9973);
    s->user.slot = py_str_new(h, user_len);
    s->user.refs = 1;
    py_free(h, mod_str);
    uint32_t step_str = py_str_of_int(h, step);
    new_req.path = py_str_new(h, 11 + py_decimal_digits(step));
    py_free(h, step_str);
    new_req.score = py_float_new(h);
    py_list_new_sized(h, &new_req.tags, 2);
    py_dict_new_presized(h, &new_req.dict, 5, 1);
    for (int j = 0; j < 5; j++) py_dict_insert(h, &new_req.dict);
    if (k > 0) req_die(h, &req);
    req = new_req;

    /* parts = req["path"].split("/"): a list preallocated for 12. */
    py_list_new_sized(h, &new_parts.list, 12);
    new_parts.list.size = 4;
    new_parts.strs[0] = py_str_new(h, 3);
    new_parts.strs[1] = py_str_new(h, 5);
    new_parts.strs[2] = py_str_new(h, py_decimal_digits(step));
    if (k > 0) parts_die(h, &parts);
    parts = new_parts;

    /* body = render(req, parts, rng): the pieces in a list, joined, then
     * padded (ljust makes a new str when it pads). */
    int64_t wanted, width;
    py_free(h, py_randint(h, &rng, 20, 60, &wanted));
    uint32_t pieces[3], lengths[3];
    lengths[0] = user_len * (uint32_t)(wanted / user_len + 1);
    lengths[1] = 11 + py_decimal_digits(step); /* "/".join(parts) */
    uint32_t score = py_str_new(h, 2 + py_decimal_digits(step / 2));
    lengths[2] = 4 * (2 + py_decimal_digits(step / 2)); /* str(score) * 4 */
    pieces[0] = py_str_new(h, lengths[0]);
    pieces[1] = py_str_new(h, lengths[1]);
    pieces[2] = py_str_new(h, lengths[2]);
    py_free(h, score);
    py_list list;
    py_list_new_sized(h, &list, 3);
    uint32_t joined_len = lengths[0] + lengths[1] + lengths[2];
    uint32_t joined = py_str_new(h, joined_len);
    py_free(h, py_randint(h, &rng, 100, 400, &width));
    s->body.slot = joined;
    if ((uint32_t)width > joined_len) {
      s->body.slot = py_str_new(h, (uint32_t)width);
      py_free(h, joined);
    }
    s->body.refs = 1;
    for (int j = 2; j >= 0; j--) py_free(h, pieces[j]);
    py_list_dealloc(h, &list);
    if (prev) decref(h, &prev->body);

    /* resp = (step, body); the old resp dies: body, then step. */
    uint32_t new_resp = py_tuple_new(h, 2);
    s->step.refs++;
    s->body.refs++;
    if (prev) {
      decref(h, &prev->body);
      decref(h, &prev->step);
      py_tuple_free(h, resp, 2);
    }
    resp = new_resp;

    /* cache[step] = (req["user"], body, step * 0.25) */
    if (step % 8 == 0) {
      entry *e = wl_array_push(&entries);
      e->k = k;
      e->score = py_float_new(h);
      e->tuple = py_tuple_new(h, 3);
      s->user.refs++;
      s->body.refs++;
      s->step.refs++; /* the key */
      py_dict_insert(h, &cache);
    }

    /* Evict the 64 oldest: del cache[next(iter(cache))] */
    if (step % 2048 == 0) {
      for (int j = 0; j < 64 && oldest < entries.len; j++) {
        entry *e = &WL_AT(&entries, entry, oldest++);
        step_objs *old = &WL_AT(&steps, step_objs, e->k);
        uint32_t it = py_obj_malloc(h, DICT_ITER_SIZE, PB_TOUCH_OBJECT);
        old->step.refs++; /* next() returns the key */
        pb_trace_free(t, it);
        py_dict_delete(h, &cache);
        decref(h, &old->step); /* the dict's reference to the key */
        value_die(h, old, e);
        decref(h, &old->step); /* the temporary key */
      }
    }
    prev = s;
  }

  /* The function returns; its locals die in order: cache (entries first to
   * last: key, then value), step, req, parts, body, resp. */
  for (size_t j = oldest; j < entries.len; j++) {
    entry *e = &WL_AT(&entries, entry, j);
    step_objs *old = &WL_AT(&steps, step_objs, e->k);
    decref(h, &old->step);
    value_die(h, old, e);
  }
  py_dict_dealloc(h, &cache);
  decref(h, &prev->step);
  req_die(h, &req);
  parts_die(h, &parts);
  decref(h, &prev->body);
  decref(h, &prev->body); /* resp: body, then step */
  decref(h, &prev->step);
  py_tuple_free(h, resp, 2);

  wl_array_free(&steps);
  wl_array_free(&entries);
  py_heap_finish(h);
}

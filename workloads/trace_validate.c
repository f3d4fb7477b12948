/* The slot rules every trace obeys (trace.h), checked op by op: what the
 * reader runs on every file before anything replays it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/map.h"
#include "workloads/trace.h"

static const char *const kind_names[PB_OP_KIND_COUNT] = {
    "malloc", "calloc", "realloc", "free", "hand-off"};
static const char *const domain_names[PB_DOMAIN_COUNT] = {"unknown", "raw",
                                                          "mem", "obj"};

/* Writes the message into err; returns -1. */
static int reject(char err[PB_TRACE_ERROR_MAX], const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int reject(char err[PB_TRACE_ERROR_MAX], const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, PB_TRACE_ERROR_MAX, fmt, ap);
  va_end(ap);
  return -1;
}

/* One byte of state per slot. */
enum {
  SLOT_LIVE = 1,        /* holds a block */
  SLOT_USED = 2,        /* some op has named it */
  SLOT_DOMAIN_SHIFT = 2 /* the live block's domain, in the bits above */
};

/* The fields an op must hold zero or a known value in. Version 1 had one
 * reserved u16 where version 2 has the domain and a reserved byte. */
static int check_fields(const pb_trace *t, const pb_op *op,
                        unsigned long long n, char err[PB_TRACE_ERROR_MAX]) {
  /* A version before 3 knows no hand-off; a built trace (version 0) is
   * checked as the version pb_trace_save would write it in. */
  int v3 = t->version >= 3 || (t->version == 0 && t->threads > 1);
  if (op->kind >= PB_OP_KIND_COUNT || (op->kind == PB_OP_HANDOFF && !v3))
    return reject(err, "op %llu: unknown kind %u", n, op->kind);
  int allocates = op->kind <= PB_OP_REALLOC;
  if (op->touch >= PB_TOUCH_COUNT &&
      !(op->touch >= PB_TOUCH_FILLED && allocates))
    return reject(err, "op %llu: unknown touch %u", n, op->touch);
  if (t->version == 1) {
    unsigned reserved = (unsigned)op->domain | (unsigned)op->thread << 8;
    if (reserved != 0)
      return reject(err, "op %llu: nonzero reserved field 0x%04x (must be 0)",
                    n, reserved);
    return 0;
  }
  if (op->domain >= PB_DOMAIN_COUNT)
    return reject(err, "op %llu: unknown domain %u", n, op->domain);
  if (!v3 && op->thread != 0)
    return reject(err, "op %llu: nonzero reserved byte 0x%02x (must be 0)", n,
                  op->thread);
  if (op->thread >= t->threads)
    return reject(err, "op %llu: thread %u, past the thread count %u", n,
                  op->thread, t->threads);
  if (op->kind == PB_OP_HANDOFF &&
      (op->size >= t->threads || op->size == op->thread || op->touch != 0))
    return reject(err,
                  "op %llu: hand-off from thread %u to thread %u (touch %u): "
                  "must go to another thread below %u, untouched",
                  n, op->thread, op->size, op->touch, t->threads);
  return 0;
}

/* The op against its slot's owner (threaded traces; owner NULL otherwise):
 * only the owner operates on a slot, a slot's first op makes its thread the
 * owner, a hand-off moves it. */
static int check_owner(const pb_op *op, int used, uint8_t *owner,
                       unsigned long long n, char err[PB_TRACE_ERROR_MAX]) {
  if (!owner) return 0;
  if (used && *owner != op->thread)
    return reject(err,
                  "op %llu: %s of slot %u on thread %u, which thread %u owns",
                  n, kind_names[op->kind], op->slot, op->thread, *owner);
  *owner = (uint8_t)(op->kind == PB_OP_HANDOFF ? op->size : op->thread);
  return 0;
}

/* The op against its slot's state; updates the state. */
static int apply(const pb_op *op, uint8_t *state, unsigned long long n,
                 char err[PB_TRACE_ERROR_MAX]) {
  int live = (*state & SLOT_LIVE) != 0;
  unsigned block_domain = *state >> SLOT_DOMAIN_SHIFT;
  const char *kind = kind_names[op->kind];
  if (op->kind == PB_OP_MALLOC || op->kind == PB_OP_CALLOC) {
    if (live)
      return reject(err, "op %llu: %s into slot %u, which is live", n, kind,
                    op->slot);
    *state = (uint8_t)(SLOT_LIVE | SLOT_USED |
                       (unsigned)op->domain << SLOT_DOMAIN_SHIFT);
    return 0;
  }
  if (!live)
    return reject(err, "op %llu: %s of slot %u, which is empty", n, kind,
                  op->slot);
  /* A block is resized and freed through the domain that allocated it
   * (CPython's pymalloc_debug aborts otherwise). */
  if (op->domain != block_domain)
    return reject(err,
                  "op %llu: %s in domain %s of slot %u, whose block was "
                  "allocated in domain %s",
                  n, kind, domain_names[op->domain], op->slot,
                  domain_names[block_domain]);
  if (op->kind == PB_OP_FREE) *state = SLOT_USED;
  return 0; /* a hand-off leaves the block live */
}

int pb_trace_validate(const pb_trace *t, char err[PB_TRACE_ERROR_MAX]) {
  /* Every slot is used by some op, and only an op can use one: a slot count
   * above the op count is a lie about the trace, refused before any memory
   * is mapped for it. */
  if (t->slots > t->count)
    return reject(err, "slot count %u, but %llu ops cannot use that many slots",
                  t->slots, (unsigned long long)t->count);
  uint8_t *states = pb_map(t->slots);
  if (!states)
    return reject(err, "cannot map %u bytes to check %u slots: %s", t->slots,
                  t->slots, strerror(errno));
  uint8_t *owners = NULL;
  if (t->threads > 1 && (owners = pb_map(t->slots)) == NULL) {
    pb_unmap(states, t->slots);
    return reject(err, "cannot map %u bytes to check %u slots: %s", t->slots,
                  t->slots, strerror(errno));
  }
  int rc = 0;
  for (uint64_t i = 0; i < t->count && rc == 0; i++) {
    const pb_op *op = &t->ops[i];
    unsigned long long n = (unsigned long long)i;
    rc = check_fields(t, op, n, err);
    if (rc == 0 && op->slot >= t->slots)
      rc = reject(err, "op %llu: %s of slot %u, past the slot count %u", n,
                  kind_names[op->kind], op->slot, t->slots);
    if (rc == 0)
      rc = check_owner(op, (states[op->slot] & SLOT_USED) != 0,
                       owners ? &owners[op->slot] : NULL, n, err);
    if (rc == 0) rc = apply(op, &states[op->slot], n, err);
  }
  /* The replay maps and pre-touches a table entry per slot: a slot no op
   * uses would be memory charged for nothing. */
  for (uint32_t s = 0; s < t->slots && rc == 0; s++)
    if (!(states[s] & SLOT_USED))
      rc = reject(err,
                  "slot count %u, but no op uses slot %u (slots are numbered "
                  "from 0 with no gap)",
                  t->slots, s);
  pb_unmap(states, t->slots);
  if (owners) pb_unmap(owners, t->slots);
  return rc;
}

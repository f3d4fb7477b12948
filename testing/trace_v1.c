#include "testing/trace_v1.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testing/check.h"

static void put_le(unsigned char *p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; i++) p[i] = (unsigned char)(v >> (8 * i));
}

unsigned char *pb_trace_encode_v1(const pb_trace *t, size_t *len) {
  *len = PB_TRACE_HEADER_SIZE + (size_t)t->count * sizeof(pb_op);
  unsigned char *b = calloc(1, *len);
  PB_CHECK(b != NULL);
  memcpy(b, "PBTRACE", 8);
  put_le(b + 8, 1, 4);                                    /* version */
  put_le(b + 12, PB_TRACE_HEADER_SIZE, 4);                /* header size */
  put_le(b + 16, t->count, 8);                            /* op count */
  put_le(b + 24, t->slots, 4);                            /* slot count */
  put_le(b + 28, sizeof(pb_op), 4);                       /* op size */
  put_le(b + 32, t->seed, 8);                             /* seed */
  put_le(b + 40, (uint64_t)(t->scale * 1e6 + 0.5), 8);    /* scale * 1e6 */
  put_le(b + 48, pb_trace_checksum(t->ops, t->count), 8); /* ops only */
  memcpy(b + 56, t->workload, strnlen(t->workload, PB_TRACE_NAME_MAX - 1));
  if (t->count)
    memcpy(b + PB_TRACE_HEADER_SIZE, t->ops, (size_t)t->count * sizeof(pb_op));
  return b;
}

void pb_trace_write_v1(const pb_trace *t, const char *path) {
  size_t len;
  unsigned char *bytes = pb_trace_encode_v1(t, &len);
  FILE *f = fopen(path, "wb");
  PB_CHECKF(f != NULL, "cannot create %s", path);
  PB_CHECK(fwrite(bytes, 1, len, f) == len);
  PB_CHECK(fclose(f) == 0);
  free(bytes);
}

/* The pool backend: allocator.h over the pool allocator (pool.h). */
#include "allocator/allocator.h"
#include "allocator/pool/layout.h"
#include "allocator/pool/pool.h"
#include "allocator/pool/stats.h"

static char config[96] = "3.10";

int pb_init(const pb_param *params, size_t nparams, char err[PB_ERROR_MAX]) {
  pool_layout layout;
  if (pool_layout_parse(params, nparams, &layout, err) != 0) return -1;
  if (pool_init(&layout, err) != 0) return -1;
  pool_layout_describe(&layout, config, sizeof config);
  return 0;
}

void *pb_malloc(size_t size) { return pool_malloc(size); }
void *pb_calloc(size_t nelem, size_t elsize) {
  return pool_calloc(nelem, elsize);
}
void *pb_realloc(void *ptr, size_t size) { return pool_realloc(ptr, size); }
void pb_free(void *ptr) { pool_free(ptr); }
size_t pb_usable_size(void *ptr) { return pool_usable_size(ptr); }
void pb_release(void) { pool_release(); }

const char *pb_name(void) { return "pool"; }
const char *pb_version(void) { return "1 (pymalloc of CPython 3.10-3.13)"; }
const char *pb_config(void) { return config; }
const char *pb_parameters(void) { return POOL_PARAMETER_NAMES; }

void pb_stats_get(pb_stats *stats) { pool_stats_fill(stats); }
void pb_stats_print(FILE *out) { pool_stats_print(out); }

/* What the pool and pool-debug backends share: the layout parameters, the
 * configuration text, release and statistics. Each backend's own file adds
 * the allocation calls and its name. */
#include "allocator/allocator.h"
#include "allocator/pool/layout.h"
#include "allocator/pool/pool.h"
#include "allocator/pool/stats.h"

static char config[96] = "3.11"; /* POOL_DEFAULT_LAYOUT */

int pb_init(const pb_param *params, size_t nparams, char err[PB_ERROR_MAX]) {
  pool_layout layout;
  if (pool_layout_parse(params, nparams, &layout, err) != 0) return -1;
  if (pool_init(&layout, err) != 0) return -1;
  pool_layout_describe(&layout, config, sizeof config);
  return 0;
}

void pb_release(void) { pool_release(); }
const char *pb_config(void) { return config; }
const char *pb_parameters(void) { return POOL_PARAMETER_NAMES; }
void pb_stats_get(pb_stats *stats) { pool_stats_fill(stats); }
void pb_stats_print(FILE *out) { pool_stats_print(out); }

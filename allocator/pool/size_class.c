/* Size classes: the table of the size_classes tool (size_class.h). */
#include "allocator/pool/size_class.h"

#include <string.h>

#include "allocator/pool/layout.h"

void pool_print_size_classes(FILE *out, const pool_layout *layout) {
  char config[96], arena[32], pool[32];
  pool_layout_describe(layout, config, sizeof config);
  pool_format_bytes(layout->arena_size, arena, sizeof arena);
  pool_format_bytes(layout->pool_size, pool, sizeof pool);
  uint32_t nclasses = (uint32_t)(layout->threshold / POOL_ALIGNMENT);
  fprintf(out,
          "layout %s: %s arenas, %s pools, threshold %zu, %u size classes\n\n",
          config, arena, pool, layout->threshold, nclasses);
  fprintf(out, "%18s  %23s  %16s\n", "request in bytes",
          "size of allocated block", "size class index");
  fprintf(out, "%18s  %23s  %16s\n", "----------------",
          "-----------------------", "----------------");
  for (uint32_t idx = 0; idx < nclasses; idx++) {
    size_t size = pool_class_size(idx);
    char range[48];
    snprintf(range, sizeof range, "%zu-%zu", size - POOL_ALIGNMENT + 1, size);
    fprintf(out, "%18s  %23zu  %16u\n", range, size, idx);
  }
  fprintf(out,
          "\n0 and %zu or more bytes: the system allocator (malloc), as "
          "CPython's raw domain\n",
          layout->threshold + 1);
}

int pool_size_classes_main(int argc, char **argv, FILE *out, FILE *err) {
  pb_param params[PB_PARAMS_MAX];
  size_t nparams = 0;
  for (int i = 1; i < argc; i++) {
    char *arg = argv[i];
    if (strncmp(arg, "--", 2) == 0) arg += 2;
    if (nparams == PB_PARAMS_MAX) {
      fprintf(err, "size_classes: more than %d parameters\n", PB_PARAMS_MAX);
      return 2;
    }
    if (pb_param_split(arg, &params[nparams]) != 0) {
      fprintf(err,
              "size_classes: '%s' is not NAME=VALUE (usage: size_classes "
              "[layout=3.11|3.10|3.8] [arena_size=N] [pool_size=N] "
              "[threshold=N])\n",
              argv[i]);
      return 2;
    }
    nparams++;
  }
  pool_layout layout;
  char message[PB_ERROR_MAX];
  if (pool_layout_parse(params, nparams, &layout, message) != 0) {
    fprintf(err, "size_classes: %s\n", message);
    return 2;
  }
  pool_print_size_classes(out, &layout);
  return 0;
}

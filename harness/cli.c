#include "harness/cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pb_cli_option(int argc, char **argv, int *i, const char *name,
                  const char **value) {
  const char *arg = argv[*i];
  size_t len = strlen(name);
  if (strncmp(arg, name, len) != 0) return 0;
  if (arg[len] == '=') {
    *value = arg + len + 1;
    return 1;
  }
  if (arg[len] != '\0') return 0;
  if (*i + 1 >= argc) {
    *value = NULL;
    return 1;
  }
  *value = argv[++*i];
  return 1;
}

static const struct {
  const char *option;
  const char *param;
} backend_options[] = {
    {"--layout", "layout"},
    {"--arena-size", "arena_size"},
    {"--pool-size", "pool_size"},
    {"--threshold", "threshold"},
};
#define BACKEND_OPTIONS (sizeof backend_options / sizeof backend_options[0])
_Static_assert(BACKEND_OPTIONS == PB_CLI_BACKEND_OPTIONS,
               "PB_CLI_BACKEND_OPTIONS counts the table");

int pb_cli_backend_option(int argc, char **argv, int *i, pb_param *param) {
  for (size_t k = 0; k < BACKEND_OPTIONS; k++) {
    const char *value;
    if (pb_cli_option(argc, argv, i, backend_options[k].option, &value)) {
      *param = (pb_param){backend_options[k].param, value};
      return 1;
    }
  }
  return 0;
}

const char *pb_cli_backend_option_name(const char *param) {
  for (size_t k = 0; k < BACKEND_OPTIONS; k++)
    if (strcmp(backend_options[k].param, param) == 0)
      return backend_options[k].option;
  return NULL;
}

int pb_cli_u64(const char *text, uint64_t *value) {
  if (!text || !*text || *text == '-' || *text == '+') return -1;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno || *end != '\0') return -1;
  *value = v;
  return 0;
}

int pb_cli_positive_double(const char *text, double *value) {
  if (!text || !*text) return -1;
  char *end;
  errno = 0;
  double v = strtod(text, &end);
  if (errno || *end != '\0' || !isfinite(v) || v <= 0) return -1;
  *value = v;
  return 0;
}

void pb_cli_usage_error(const char *program, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s: ", program);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

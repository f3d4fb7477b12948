#include "harness/cli.h"

#include <stdio.h>
#include <string.h>

#include "common/fail.h"
#include "common/number.h"

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

int pb_cli_u64(const char *text, uint64_t *value) {
  return pb_parse_u64(text, value);
}

int pb_cli_positive_double(const char *text, double *value) {
  double v;
  if (pb_parse_decimal(text, &v) != 0 || v <= 0) return -1;
  *value = v;
  return 0;
}

void pb_cli_once(int *given, const char *option) {
  if (*given) pb_fail(PB_EXIT_BAD_INPUT, "%s given twice", option);
  *given = 1;
}

void pb_cli_param(char *arg, pb_param params[PB_PARAMS_MAX], size_t *nparams) {
  if (*nparams == PB_PARAMS_MAX)
    pb_fail(PB_EXIT_BAD_INPUT, "more than %d backend parameters",
            PB_PARAMS_MAX);
  if (pb_param_split(arg, &params[*nparams]) != 0)
    pb_fail(PB_EXIT_BAD_INPUT,
            "'%s' is neither an option nor a NAME=VALUE parameter", arg);
  for (size_t k = 0; k < *nparams; k++)
    if (strcmp(params[k].name, params[*nparams].name) == 0)
      pb_fail(PB_EXIT_BAD_INPUT, "parameter '%s' given twice", params[k].name);
  ++*nparams;
}

void pb_cli_positive(const char *option, const char *text, double *value) {
  if (pb_cli_positive_double(text, value) != 0)
    pb_fail(PB_EXIT_BAD_INPUT, "%s: '%s' is not a positive number", option,
            text);
}

void pb_cli_scale(const char *option, const char *text, double max,
                  double *scale) {
  pb_cli_positive(option, text, scale);
  if (*scale > max)
    pb_fail(PB_EXIT_BAD_INPUT, "%s: %s is out of range: 0 < scale <= %g",
            option, text, max);
}

/* Parameter helpers shared by backends and the harness (allocator.h). */
#include <string.h>

#include "allocator/allocator.h"

int pb_param_split(char *text, pb_param *param) {
  char *eq = strchr(text, '=');
  if (!eq || eq == text || eq[1] == '\0') return -1;
  *eq = '\0';
  *param = (pb_param){text, eq + 1};
  return 0;
}

int pb_params_none(const char *backend, const pb_param *params, size_t nparams,
                   char err[PB_ERROR_MAX]) {
  if (nparams == 0) return 0;
  snprintf(err, PB_ERROR_MAX, "backend %s takes no parameter '%s'", backend,
           params[0].name);
  return -1;
}

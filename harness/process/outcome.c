#include "harness/process/outcome.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "harness/process/interrupt.h"

/* The last non-empty line of text, and its length (trailing newlines left
 * out); "" when there is none. */
static const char *last_line(const char *text, int *len) {
  size_t end = text ? strlen(text) : 0;
  while (end && (text[end - 1] == '\n' || text[end - 1] == '\r')) end--;
  size_t start = end;
  while (start && text[start - 1] != '\n') start--;
  *len = (int)(end - start);
  return text ? text + start : "";
}

pb_outcome pb_outcome_judge(int rc, const pb_spawn_result *r, char *why,
                            size_t size) {
  if (rc != 0) {
    snprintf(why, size, "cannot start: %s", strerror(errno));
    return PB_OUTCOME_FAILED;
  }
  int signo = pb_interrupt_signal();
  if (r->interrupted ||
      (signo && r->signaled && (r->signal == SIGINT || r->signal == SIGTERM))) {
    snprintf(why, size, "interrupted");
    return PB_OUTCOME_INTERRUPTED;
  }
  if (!r->timed_out && !r->signaled && r->exit_status == 0) {
    if (size) why[0] = '\0';
    return PB_OUTCOME_OK;
  }
  char what[64];
  pb_spawn_describe(r, what, sizeof what);
  /* The child's own last line says why, when it said anything. */
  int len;
  const char *line = last_line(r->err, &len);
  if (len > 180) len = 180;
  snprintf(why, size, "%s%s%.*s", what, len ? ": " : "", len, line);
  return PB_OUTCOME_FAILED;
}

#include "workloads/trace_info.h"

#include "common/clock.h"
#include "common/fail.h"
#include "workloads/profile.h"
#include "workloads/profile_rows.h"
#include "workloads/trace.h"

#define FILES_MAX 2
#define LABEL_WIDTH 24

typedef struct printer {
  FILE *out;
  size_t n;
  int width; /* of each file's column */
} printer;

static void print_row(void *ctx, const char *label,
                      char cells[][PB_PROFILE_CELL_MAX]) {
  const printer *p = ctx;
  fprintf(p->out, "%-*s", LABEL_WIDTH, label);
  for (size_t k = 0; k < p->n; k++)
    fprintf(p->out, " %-*s", k + 1 < p->n ? p->width : 0, cells[k]);
  fputc('\n', p->out);
}

/* A header row: the same text function for every file. */
static void header_row(printer *p, const char *label, const pb_trace *t,
                       void (*cell)(const pb_trace *, char *)) {
  char cells[FILES_MAX][PB_PROFILE_CELL_MAX];
  for (size_t k = 0; k < p->n; k++) cell(&t[k], cells[k]);
  print_row(p, label, cells);
}

static void workload_cell(const pb_trace *t, char *cell) {
  snprintf(cell, PB_PROFILE_CELL_MAX, "%s",
           t->workload[0] ? t->workload : "(none)");
}
static void seed_cell(const pb_trace *t, char *cell) {
  snprintf(cell, PB_PROFILE_CELL_MAX, "%llu", (unsigned long long)t->seed);
}
static void scale_cell(const pb_trace *t, char *cell) {
  snprintf(cell, PB_PROFILE_CELL_MAX, "%g", t->scale);
}
static void slots_cell(const pb_trace *t, char *cell) {
  snprintf(cell, PB_PROFILE_CELL_MAX, "%u", t->slots);
}
static void threads_cell(const pb_trace *t, char *cell) {
  if (t->threads <= 1) {
    snprintf(cell, PB_PROFILE_CELL_MAX, "1");
    return;
  }
  pb_trace_profile q;
  pb_trace_profile_compute(t, &q);
  snprintf(
      cell, PB_PROFILE_CELL_MAX, "%u (%llu cross-thread frees, %.1f%%)",
      t->threads, (unsigned long long)q.cross_thread_frees,
      q.frees ? 100.0 * (double)q.cross_thread_frees / (double)q.frees : 0.0);
}
static void version_cell(const pb_trace *t, char *cell) {
  snprintf(cell, PB_PROFILE_CELL_MAX, "%u", t->version);
}
static void checksum_cell(const pb_trace *t, char *cell) {
  snprintf(cell, PB_PROFILE_CELL_MAX, "0x%016llx",
           (unsigned long long)t->checksum);
}

int pb_trace_info(const char *const *paths, size_t n, FILE *out) {
  pb_trace t[FILES_MAX];
  pb_profile profiles[FILES_MAX];
  const pb_profile *columns[FILES_MAX];
  char cells[FILES_MAX][PB_PROFILE_CELL_MAX];
  printer p = {out, n < FILES_MAX ? n : FILES_MAX, 30};
  for (size_t k = 0; k < p.n; k++) {
    char err[PB_TRACE_ERROR_MAX];
    double start = pb_now();
    if (pb_trace_load(&t[k], paths[k], err) != 0)
      pb_fail(PB_EXIT_BAD_INPUT, "%s", err);
    snprintf(cells[k], PB_PROFILE_CELL_MAX, "%.3f s", pb_now() - start);
    pb_profile_compute(&t[k], &profiles[k]);
    columns[k] = &profiles[k];
  }

  /* Paths may be long: each on its own line, the columns numbered. */
  for (size_t k = 0; k < p.n; k++)
    fprintf(out, "%-*s %s\n", LABEL_WIDTH,
            p.n > 1 ? (k ? "file 2" : "file 1") : "file", paths[k]);
  header_row(&p, "workload", t, workload_cell);
  header_row(&p, "format version", t, version_cell);
  header_row(&p, "seed", t, seed_cell);
  header_row(&p, "scale", t, scale_cell);
  header_row(&p, "slots", t, slots_cell);
  header_row(&p, "threads", t, threads_cell);
  header_row(&p, "checksum", t, checksum_cell);
  print_row(&p, "load time", cells);
  pb_profile_rows(columns, p.n, print_row, &p);
  for (size_t k = 0; k < p.n; k++) pb_trace_destroy(&t[k]);
  return pb_finish_stdout() == 0 ? PB_EXIT_OK : PB_EXIT_FAILED;
}

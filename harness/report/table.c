#include "harness/report/table.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/fail.h"

void pb_table_row(pb_table *t) {
  if (t->rows == t->capacity) {
    t->capacity = t->capacity ? 2 * t->capacity : 16;
    t->cells = realloc(t->cells, t->capacity * sizeof *t->cells);
    if (!t->cells) pb_fail(PB_EXIT_FAILED, "out of memory for a table");
  }
  memset(t->cells[t->rows++], 0, sizeof *t->cells);
}

void pb_table_set(pb_table *t, size_t column, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(t->cells[t->rows - 1][column], PB_TABLE_CELL_MAX, fmt, ap);
  va_end(ap);
}

void pb_table_print(pb_table *t, FILE *out) {
  size_t width[PB_TABLE_MAX_COLUMNS] = {0};
  for (size_t r = 0; r < t->rows; r++)
    for (size_t c = 0; c < t->columns; c++) {
      size_t len = strlen(t->cells[r][c]);
      if (len > width[c]) width[c] = len;
    }
  for (size_t r = 0; r < t->rows; r++) {
    for (size_t c = 0; c < t->columns; c++)
      fprintf(out, t->right[c] ? "| %*s " : "| %-*s ", (int)width[c],
              t->cells[r][c]);
    fputs("|\n", out);
    if (r == 0) {
      for (size_t c = 0; c < t->columns; c++) {
        fputs("|", out);
        for (size_t k = 0; k < width[c] + 1; k++) fputc('-', out);
        fputc(t->right[c] ? ':' : '-', out);
      }
      fputs("|\n", out);
    }
  }
  free(t->cells);
  t->cells = NULL;
  t->rows = t->capacity = 0;
}

void pb_format_value(char *buf, size_t size, double x) {
  double a = fabs(x);
  if (a >= 100)
    snprintf(buf, size, "%.0f", x);
  else if (a >= 10)
    snprintf(buf, size, "%.1f", x);
  else if (a >= 1)
    snprintf(buf, size, "%.2f", x);
  else
    snprintf(buf, size, "%.3f", x);
}

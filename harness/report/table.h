/* Aligned Markdown tables: rows of text cells, printed with every column
 * padded to its widest cell, numbers right-aligned. What the terminal shows
 * and what latest.md holds are the same text. */
#ifndef POOLBENCH_HARNESS_REPORT_TABLE_H
#define POOLBENCH_HARNESS_REPORT_TABLE_H

#include <stddef.h>
#include <stdio.h>

#define PB_TABLE_MAX_COLUMNS 12
#define PB_TABLE_CELL_MAX 96

typedef struct pb_table {
  size_t columns, rows, capacity;
  char (*cells)[PB_TABLE_MAX_COLUMNS][PB_TABLE_CELL_MAX]; /* row 0: heading */
  int right[PB_TABLE_MAX_COLUMNS]; /* right-aligned (numbers) */
} pb_table;

/* Starts a new row (every cell empty); the heading is the first row. */
void pb_table_row(pb_table *t);

/* Sets a cell of the last row (text longer than a cell is cut). */
void pb_table_set(pb_table *t, size_t column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prints the table as Markdown and frees its rows. */
void pb_table_print(pb_table *t, FILE *out);

/* A number with three significant digits or so, as a person reads it. */
void pb_format_value(char *buf, size_t size, double x);

#endif /* POOLBENCH_HARNESS_REPORT_TABLE_H */

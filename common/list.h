/* Lists users type in one argument: "a,b,c" (--backends, --suite, a sweep
 * set), "x=1,y=2;x=3" (sweep sets). Split in one place, so that every list
 * treats an empty item the same way: it is kept, for the caller to refuse
 * with its own words ("a,,b", a trailing comma). */
#ifndef POOLBENCH_COMMON_LIST_H
#define POOLBENCH_COMMON_LIST_H

#include <stddef.h>

/* The items of text between each sep, in order, empty ones included ("" is
 * one empty item): a NULL-terminated array of strings (malloc'd, free with
 * pb_list_free); *count items. Out of memory is one line and exit 1. */
char **pb_list_split(const char *text, char sep, size_t *count);
void pb_list_free(char **items);

#endif /* POOLBENCH_COMMON_LIST_H */

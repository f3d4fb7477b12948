#include "harness/comparison/programs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fail.h"
#include "common/list.h"
#include "common/user_path.h"
#include "workloads/trace.h"
#include "workloads/workloads.h"

#define NAME_MAX_LEN 48

char **pb_split_words(const char *text, char *err, size_t size) {
  size_t len = strlen(text), count = 0;
  char **words = calloc(len / 2 + 2, sizeof *words);
  char *word = malloc(len + 1);
  if (!words || !word) pb_fail(PB_EXIT_FAILED, "out of memory");
  const char *p = text;
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\n') p++;
    if (!*p) break;
    size_t n = 0;
    while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
      if (*p == '\'') {
        const char *end = strchr(p + 1, '\'');
        if (!end) {
          snprintf(err, size, "a single quote is not closed");
          goto bad;
        }
        memcpy(word + n, p + 1, (size_t)(end - p - 1));
        n += (size_t)(end - p - 1);
        p = end + 1;
      } else if (*p == '"') {
        for (p++; *p != '"'; p++) {
          if (!*p) {
            snprintf(err, size, "a double quote is not closed");
            goto bad;
          }
          /* Inside double quotes a backslash escapes only these. */
          if (*p == '\\' && p[1] && strchr("\"\\$`", p[1])) p++;
          word[n++] = *p;
        }
        p++;
      } else if (*p == '\\' && p[1]) {
        word[n++] = p[1];
        p += 2;
      } else {
        word[n++] = *p++;
      }
    }
    word[n] = '\0';
    if (!(words[count++] = strdup(word)))
      pb_fail(PB_EXIT_FAILED, "out of memory");
  }
  free(word);
  return words;
bad:
  free(word);
  pb_list_free(words);
  return NULL;
}

/* The file's name without its directory and its last extension. */
static char *name_of(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
  char *name = strndup(base, len);
  if (!name) pb_fail(PB_EXIT_FAILED, "out of memory");
  return name;
}

static int valid_name(const char *name) {
  if (!*name || strlen(name) > NAME_MAX_LEN) return 0;
  for (const char *c = name; *c; c++)
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                "0123456789_-.",
                *c))
      return 0;
  return 1;
}

void pb_user_workload_add(pb_user_workloads *list, const char *option,
                          const char *value, int is_trace) {
  char err[128];
  char **words = is_trace ? NULL : pb_split_words(value, err, sizeof err);
  if (!is_trace && !words)
    pb_fail(PB_EXIT_BAD_INPUT, "%s: %s in '%s'", option, err, value);
  if (!is_trace && !words[0])
    pb_fail(PB_EXIT_BAD_INPUT, "%s: no program in '%s'", option, value);
  char *path = pb_user_path(is_trace ? value : words[0]);
  struct stat st;
  if (stat(path, &st) != 0 || access(path, R_OK) != 0)
    pb_fail(PB_EXIT_BAD_INPUT, "%s: %s: %s", option, path, strerror(errno));
  if (!S_ISREG(st.st_mode))
    pb_fail(PB_EXIT_BAD_INPUT, "%s: %s is not a file", option, path);
  char *absolute = realpath(path, NULL);
  if (!absolute) pb_fail(PB_EXIT_FAILED, "out of memory");
  free(path);
  if (is_trace) {
    /* Loaded whole now: a runner would refuse it after the other work. */
    pb_trace t;
    char why[PB_TRACE_ERROR_MAX];
    if (pb_trace_load(&t, absolute, why) != 0)
      pb_fail(PB_EXIT_BAD_INPUT, "%s: %s", option, why);
    pb_trace_destroy(&t);
  }
  char *name = name_of(absolute);
  if (!valid_name(name))
    pb_fail(PB_EXIT_BAD_INPUT,
            "%s: '%s' cannot name a workload (letters, digits, '_', '-' and "
            "'.', at most %d): rename the file",
            option, name, NAME_MAX_LEN);
  if (pb_workload_find(name))
    pb_fail(PB_EXIT_BAD_INPUT,
            "%s: '%s' is the name of a built-in workload: rename the file",
            option, name);
  for (size_t i = 0; i < list->count; i++)
    if (strcmp(list->items[i].name, name) == 0)
      pb_fail(PB_EXIT_BAD_INPUT, "%s: '%s' names two workloads (%s and %s)",
              option, name, list->items[i].path, absolute);
  list->items = realloc(list->items, (list->count + 1) * sizeof *list->items);
  if (!list->items) pb_fail(PB_EXIT_FAILED, "out of memory");
  pb_user_workload *w = &list->items[list->count++];
  *w = (pb_user_workload){.name = name, .path = absolute, .is_trace = is_trace};
  if (!is_trace) {
    /* The arguments after the program; the words array is theirs. */
    size_t n = 0;
    while (words[n + 1]) n++;
    w->args = calloc(n + 1, sizeof *w->args);
    if (!w->args) pb_fail(PB_EXIT_FAILED, "out of memory");
    for (size_t k = 0; k < n; k++) w->args[k] = words[k + 1];
    free(words[0]);
    free(words);
  }
}

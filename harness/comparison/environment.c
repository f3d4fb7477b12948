#include "harness/comparison/environment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fail.h"

extern char **environ;

/* A variable, or a family of them (prefix), and what becomes of it. The
 * first rule that matches decides, so the refused names come before their
 * families. */
typedef struct rule {
  const char *name;
  int prefix;
  const char *refused; /* why, or NULL: cleared */
} rule;

static const rule rules[] = {
    {"PYTHONMALLOC", 0,
     "chooses CPython's allocator, so the programs would run on it, not on "
     "the backend measured"},
    {"PYTHONDEVMODE", 0, "puts CPython's debug hooks around every allocator"},
    {"PYTHONTRACEMALLOC", 0, "puts tracemalloc's hooks around every allocator"},
    {"LD_PRELOAD", 0, "may replace or wrap malloc in every run"},
    {"LD_AUDIT", 0, "may interpose on every library call of the runs"},
    /* Cleared: the rest of CPython's (PYTHONMALLOCSTATS, PYTHONPATH,
     * PYTHONHOME, PYTHONVERBOSE, ...; the programs need none, and the driver
     * sets PYTHONHASHSEED and PYTHONDONTWRITEBYTECODE itself), the dynamic
     * loader's (LD_LIBRARY_PATH may load another allocator library,
     * LD_BIND_NOW moves symbol resolution in or out of the timed replay),
     * and the allocators' own tuning. */
    {"PYTHON", 1, NULL},
    {"LD_", 1, NULL},
    {"MALLOC_", 1, NULL}, /* glibc's MALLOC_ARENA_MAX, ...; MALLOC_CONF */
    {"JE_MALLOC_CONF", 0, NULL},
    {"_RJEM_MALLOC_CONF", 0, NULL},
    {"MIMALLOC_", 1, NULL},
    {"TCMALLOC_", 1, NULL},
    {"PERFTOOLS_", 1, NULL},
    {"HEAPPROFILE", 0, NULL},
    {"HEAPCHECK", 0, NULL},
    {"GLIBC_TUNABLES", 0, NULL},
};
#define RULES (sizeof rules / sizeof rules[0])

/* The rule for the variable name (len characters), or NULL. */
static const rule *rule_of(const char *name, size_t len) {
  for (size_t k = 0; k < RULES; k++) {
    size_t n = strlen(rules[k].name);
    if (rules[k].prefix ? len >= n && strncmp(name, rules[k].name, n) == 0
                        : len == n && strncmp(name, rules[k].name, n) == 0)
      return &rules[k];
  }
  return NULL;
}

static json_t *cleared;     /* NAME: VALUE, as the user had them */
static char *cleared_names; /* "A, B", for pb_environment_note */

/* value as a JSON string; one that is not UTF-8 is still recorded as set. */
static json_t *value_of(const char *value) {
  json_t *v = json_string(value);
  return v ? v : json_string("(not UTF-8)");
}

/* The variable name (len characters) as a string (malloc'd). */
static char *name_of(const char *name, size_t len) {
  char *s = strndup(name, len);
  if (!s) pb_fail(PB_EXIT_FAILED, "out of memory");
  return s;
}

void pb_environment_clean(void) {
  cleared = json_object();
  if (!cleared) pb_fail(PB_EXIT_FAILED, "out of memory");
  size_t count = 0;
  for (char **e = environ; *e; e++, count++) {
    const char *eq = strchr(*e, '=');
    size_t len = eq ? (size_t)(eq - *e) : strlen(*e);
    const rule *r = rule_of(*e, len);
    /* The name only: a value may hold anything, a newline included. */
    if (r && r->refused)
      pb_fail(PB_EXIT_BAD_INPUT,
              "%.*s is set: it %s; unset it for the comparison (env -u %.*s "
              "...)",
              (int)len, *e, r->refused, (int)len, *e);
  }
  /* unsetenv changes environ: the names first, then each cleared. */
  char **names = calloc(count + 1, sizeof *names);
  size_t n = 0;
  if (!names) pb_fail(PB_EXIT_FAILED, "out of memory");
  for (char **e = environ; *e; e++) {
    const char *eq = strchr(*e, '=');
    size_t len = eq ? (size_t)(eq - *e) : strlen(*e);
    if (!rule_of(*e, len)) continue;
    names[n] = name_of(*e, len);
    json_object_set_new(cleared, names[n], value_of(eq ? eq + 1 : ""));
    n++;
  }
  char *list = NULL;
  size_t size = 0;
  FILE *out = open_memstream(&list, &size);
  if (!out) pb_fail(PB_EXIT_FAILED, "out of memory");
  for (size_t k = 0; k < n; k++) {
    unsetenv(names[k]);
    fputs(k ? ", " : "", out);
    /* A name made by execve may hold a newline: the note stays one line. */
    for (const char *c = names[k]; *c; c++)
      fputc((unsigned char)*c < ' ' ? '?' : *c, out);
    free(names[k]);
  }
  fclose(out);
  free(names);
  if (n)
    cleared_names = list;
  else
    free(list);
}

void pb_environment_note(void) {
  if (cleared_names)
    pb_warn(
        "cleared from the runs' environment: %s (each allocator and program "
        "runs with its defaults; latest.json records what they were)",
        cleared_names);
}

json_t *pb_environment_json(char *const *pinned_env) {
  json_t *set = json_object();
  for (char **e = environ; *e; e++) {
    const char *eq = strchr(*e, '=');
    if (!eq || !rule_of(*e, (size_t)(eq - *e))) continue;
    char *name = name_of(*e, (size_t)(eq - *e));
    json_object_set_new(set, name, value_of(eq + 1));
    free(name);
  }
  json_t *j =
      json_pack("{s:o, s:o}", "cleared",
                cleared ? json_deep_copy(cleared) : json_object(), "set", set);
  if (pinned_env) {
    json_t *pinned = json_object();
    for (char *const *e = pinned_env; *e; e++) {
      const char *eq = strchr(*e, '=');
      if (!eq) continue;
      char *name = name_of(*e, (size_t)(eq - *e));
      json_object_set_new(pinned, name, value_of(eq + 1));
      free(name);
    }
    json_object_set_new(j, "pinned", pinned);
  }
  return j;
}

#include "harness/comparison/variants.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allocator/registry.h"
#include "common/fail.h"
#include "common/list.h"
#include "harness/process/interrupt.h"
#include "harness/process/locate.h"
#include "harness/process/outcome.h"
#include "harness/process/spawn.h"

static char *xstrdup(const char *s) {
  char *d = strdup(s);
  if (!d) pb_fail(PB_EXIT_FAILED, "out of memory");
  return d;
}

/* Runners live beside this binary: in the runfiles tree under `bazel run`,
 * or beside it in bazel-bin (locate.h); or in the directory the options
 * name. */
static char *find_runner(const char *runners, const char *argv0,
                         const char *backend) {
  char *path;
  if (runners) {
    if (asprintf(&path, "%s/bench_%s", runners, backend) < 0)
      pb_fail(PB_EXIT_FAILED, "out of memory");
    if (access(path, X_OK) != 0)
      pb_fail(PB_EXIT_BAD_INPUT, "no runner for backend %s in %s", backend,
              runners);
    return path;
  }
  char relative[128], what[128];
  snprintf(relative, sizeof relative, "harness/runner/bench_%s", backend);
  snprintf(what, sizeof what, "the runner of backend %s", backend);
  return pb_locate_or_fail(argv0, relative, what);
}

char **pb_variant_argv(const pb_variant *v, const char *const *extra) {
  size_t nextra = 0;
  while (extra && extra[nextra]) nextra++;
  char **argv = calloc(2 + nextra + v->nparams, sizeof *argv);
  if (!argv) pb_fail(PB_EXIT_FAILED, "out of memory");
  size_t argc = 0;
  argv[argc++] = xstrdup(v->runner);
  for (size_t k = 0; k < nextra; k++) argv[argc++] = xstrdup(extra[k]);
  for (size_t k = 0; k < v->nparams; k++)
    if (asprintf(&argv[argc++], "%s=%s", v->params[k].name,
                 v->params[k].value) < 0)
      pb_fail(PB_EXIT_FAILED, "out of memory");
  return argv;
}

void pb_variant_argv_free(char **argv) {
  for (char **a = argv; *a; a++) free(*a);
  free(argv);
}

/* The runner's --describe with the variant's parameters: checks them and
 * returns the backend's identity (version, config, parameters). */
static json_t *describe(const pb_variant *v) {
  const char *const extra[] = {"--describe", NULL};
  char **argv = pb_variant_argv(v, extra);
  pb_spawn_result r;
  char why[256];
  pb_outcome outcome =
      pb_outcome_judge(pb_spawn(argv, 30, &r), &r, why, sizeof why);
  pb_variant_argv_free(argv);
  if (outcome == PB_OUTCOME_INTERRUPTED)
    pb_fail(pb_interrupt_exit_status(pb_interrupt_signal()),
            "interrupted while asking %s --describe", v->runner);
  if (outcome == PB_OUTCOME_FAILED) {
    /* A bad parameter: the runner's own line names the problem. */
    r.err[strcspn(r.err, "\n")] = '\0';
    if (r.err[0]) pb_fail(PB_EXIT_BAD_INPUT, "%s", r.err);
    pb_fail(PB_EXIT_BAD_INPUT, "%s --describe: %s", v->runner, why);
  }
  json_t *identity = json_loads(r.out, 0, NULL);
  pb_spawn_result_free(&r);
  if (!json_is_object(identity))
    pb_fail(PB_EXIT_BAD_INPUT, "%s --describe printed no JSON object",
            v->runner);
  return identity;
}

static int takes(json_t *identity, const char *param) {
  size_t i;
  json_t *name;
  json_array_foreach(json_object_get(identity, "parameters"), i, name) {
    if (json_is_string(name) && strcmp(json_string_value(name), param) == 0)
      return 1;
  }
  return 0;
}

static void label_variant(pb_variant *v) {
  size_t len = strlen(v->backend) + 3;
  for (size_t k = 0; k < v->nparams; k++)
    len += strlen(v->params[k].name) + strlen(v->params[k].value) + 2;
  v->label = malloc(len);
  if (!v->label) pb_fail(PB_EXIT_FAILED, "out of memory");
  strcpy(v->label, v->backend);
  for (size_t k = 0; k < v->nparams; k++) {
    strcat(v->label, k ? "," : "[");
    strcat(v->label, v->params[k].name);
    strcat(v->label, "=");
    strcat(v->label, v->params[k].value);
  }
  if (v->nparams) strcat(v->label, "]");
}

/* Parses one sweep set, "a=1,b=2", into the variant's parameters, which
 * point into the split items: they live as long as the variant, the whole
 * run. */
static void parse_set(const char *set, pb_variant *v) {
  size_t n;
  char **items = pb_list_split(set, ',', &n);
  for (size_t i = 0; i < n; i++) {
    if (!*items[i])
      pb_fail(PB_EXIT_BAD_INPUT, "--sweep: empty parameter in '%s'", set);
    if (v->nparams == PB_PARAMS_MAX)
      pb_fail(PB_EXIT_BAD_INPUT, "--sweep: more than %d parameters in '%s'",
              PB_PARAMS_MAX, set);
    if (pb_param_split(items[i], &v->params[v->nparams]) != 0)
      pb_fail(PB_EXIT_BAD_INPUT, "--sweep: '%s' in '%s' is not NAME=VALUE",
              items[i], set);
    for (size_t k = 0; k < v->nparams; k++)
      if (strcmp(v->params[k].name, v->params[v->nparams].name) == 0)
        pb_fail(PB_EXIT_BAD_INPUT, "--sweep: '%s' is given twice in '%s'",
                v->params[k].name, set);
    v->nparams++;
  }
  free(items); /* the array; the items are the parameters' */
}

/* The sets of --sweep=SETS, ';'-separated; none may be empty, none given
 * twice (two equal sets would be two variants under one label). */
static char **split_sets(const char *text, size_t *count) {
  char **sets = pb_list_split(text, ';', count);
  for (size_t i = 0; i < *count; i++) {
    if (!*sets[i])
      pb_fail(PB_EXIT_BAD_INPUT, "--sweep: empty parameter set in '%s'", text);
    for (size_t j = 0; j < i; j++)
      if (strcmp(sets[j], sets[i]) == 0)
        pb_fail(PB_EXIT_BAD_INPUT, "--sweep: set '%s' is given twice", sets[i]);
  }
  return sets;
}

static pb_variant *new_variant(pb_matrix *m, const pb_variant *base) {
  m->variants = realloc(m->variants, (m->nvariants + 1) * sizeof *m->variants);
  if (!m->variants) pb_fail(PB_EXIT_FAILED, "out of memory");
  pb_variant *v = &m->variants[m->nvariants++];
  *v = *base;
  return v;
}

/* Does the backend take every parameter the sets name? */
static int takes_sets(json_t *identity, const char *const *sets) {
  for (; *sets; sets++) {
    pb_variant probe = {.nparams = 0};
    parse_set(*sets, &probe);
    for (size_t k = 0; k < probe.nparams; k++)
      if (!takes(identity, probe.params[k].name)) return 0;
  }
  return 1;
}

/* Does a NAME=VALUE of the user's name a parameter the sets set? */
static int sets_given(const pb_comparison_options *o, const char *const *sets) {
  for (; sets && *sets; sets++) {
    pb_variant probe = {.nparams = 0};
    parse_set(*sets, &probe);
    for (size_t p = 0; p < probe.nparams; p++)
      for (size_t k = 0; k < o->nparams; k++)
        if (strcmp(probe.params[p].name, o->params[k].name) == 0) return 1;
  }
  return 0;
}

void pb_variants_build(const pb_comparison_options *o, const char *argv0,
                       pb_matrix *m) {
  size_t nexplicit = 0;
  char **explicit_sets =
      o->sweep_sets ? split_sets(o->sweep_sets, &nexplicit) : NULL;
  int swept = 0;
  for (size_t b = 0; b < o->backends.count; b++) {
    const char *name = o->backends.names[b];
    const pb_backend_entry *entry = pb_backend_find(name);
    pb_variant base = {.backend = entry->name,
                       .ceiling = entry->ceiling,
                       .pymalloc = entry->pymalloc};
    base.runner = find_runner(o->runners, argv0, name);
    json_t *identity = describe(&base);
    const char *const *sets = explicit_sets ? (const char *const *)explicit_sets
                                            : pb_backend_find(name)->sweep;
    if (o->sweep && sets && takes_sets(identity, sets)) {
      for (; *sets; sets++) {
        pb_variant *v = new_variant(m, &base);
        parse_set(*sets, v);
        label_variant(v);
        v->identity = describe(v);
      }
      json_decref(identity);
      swept = 1;
      continue;
    }
    /* Threaded workloads compared: once per thread set, unless the user's
     * parameters already say how it runs threads. */
    const char *const *thread_sets =
        o->nthread_counts && !sets_given(o, entry->thread_sets)
            ? entry->thread_sets
            : NULL;
    for (size_t t = 0; t == 0 || (thread_sets && thread_sets[t]); t++) {
      pb_variant *v = new_variant(m, &base);
      for (size_t k = 0; k < o->nparams; k++)
        if (takes(identity, o->params[k].name))
          v->params[v->nparams++] = o->params[k];
      if (thread_sets) parse_set(thread_sets[t], v);
      label_variant(v);
      v->identity = v->nparams ? describe(v) /* it refuses a bad value */
                               : json_incref(identity);
    }
    json_decref(identity);
  }
  char *names = pb_name_list_join(&o->backends);
  if (o->sweep && !swept)
    pb_fail(PB_EXIT_BAD_INPUT, "--sweep: no backend among %s %s", names,
            o->sweep_sets ? "takes every parameter of those sets"
                          : "declares sweep sets (allocator/backends.bzl)");
  for (size_t k = 0; k < o->nparams; k++) {
    int used = 0;
    for (size_t v = 0; v < m->nvariants; v++)
      used |= takes(m->variants[v].identity, o->params[k].name);
    if (!used)
      pb_fail(PB_EXIT_BAD_INPUT, "no backend among %s takes '%s'", names,
              o->params[k].name);
  }
  free(names);
  pb_list_free(explicit_sets);

  /* The reference: the first variant of the reference backend, else the
   * first variant. */
  const char *reference =
      o->reference ? o->reference : pb_backend_reference()->name;
  m->reference = &m->variants[0];
  for (size_t v = 0; v < m->nvariants; v++)
    if (strcmp(m->variants[v].backend, reference) == 0) {
      m->reference = &m->variants[v];
      break;
    }
}

#include "harness/comparison/deploy.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "allocator/registry.h"
#include "common/fail.h"
#include "common/list.h"
#include "common/user_path.h"
#include "harness/cli.h"
#include "harness/comparison/child_run.h"
#include "harness/comparison/real_run.h"
#include "harness/process/interrupt.h"
#include "harness/process/locate.h"
#include "harness/process/outcome.h"
#include "harness/process/spawn.h"

extern char **environ;

/* The PYTHONMALLOC values that are not an allocator of the registry's:
 * CPython's own pymalloc, and the C library's malloc (whatever the process
 * runs on). pymalloc's "Small block threshold" is 512 in every version
 * that has PYTHONMALLOC (3.6 and later). */
#define OBJECT_PYMALLOC "pymalloc"
#define OBJECT_MALLOC "malloc"
#define PYMALLOC_THRESHOLD 512

/* PYTHONMALLOC came in 3.6. */
#define OLDEST_MAJOR 3
#define OLDEST_MINOR 6

#define TUNABLES_MAX 8
#define LINE_MAX_ 4096

/* One configuration, before it meets an interpreter. */
typedef struct config {
  char *name;                       /* "pymalloc+glibc", or the file's NAME */
  char *spec;                       /* "OBJECT+PROCESS" */
  char *object;                     /* the PYTHONMALLOC value */
  int threshold;                    /* what _debugmallocstats says; 0: none */
  const pb_backend_entry *process;  /* NULL for a library path */
  char *preload;                    /* the library preloaded, or NULL */
  char *tunables[TUNABLES_MAX + 1]; /* NAME=VALUE, NULL-terminated */
  int from_defaults;                /* left out where it cannot run */
} config;

/* What a run of a variant checks (matrix.h's pb_variant.deployment). */
struct pb_deployment {
  const char *object;
  int threshold;
  char *preload_real; /* the preloaded library's real path, or NULL */
  char version[32];   /* "3.11.2" */
};

static char *measure, *probe;
static int report_fd = -1; /* the probe's report, a memfd (no file to
                              remove however the comparison ends) */
static char report_fd_text[16];

static char *xstrdup(const char *s) {
  char *d = strdup(s);
  if (!d) pb_fail(PB_EXIT_FAILED, "out of memory");
  return d;
}

static char *xasprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s;
  int rc = vasprintf(&s, fmt, ap);
  va_end(ap);
  if (rc < 0) pb_fail(PB_EXIT_FAILED, "out of memory");
  return s;
}

int pb_deploy_option(int argc, char **argv, int *i, pb_deploy_options *d,
                     const char **value) {
  if (pb_cli_option(argc, argv, i, "--configs", value)) {
    pb_cli_once(&d->given_configs, "--configs");
    d->configs = *value;
  } else if (pb_cli_option(argc, argv, i, "--configs-file", value)) {
    pb_cli_once(&d->given_file, "--configs-file");
    if (*value && !**value)
      pb_fail(PB_EXIT_BAD_INPUT, "--configs-file: empty path");
    if (*value) d->configs_file = pb_user_path(*value);
  } else if (pb_cli_option(argc, argv, i, "--python", value)) {
    if (*value && !**value) pb_fail(PB_EXIT_BAD_INPUT, "--python: empty path");
    if (!*value) return 1;
    d->pythons = realloc(d->pythons, (d->npythons + 1) * sizeof *d->pythons);
    if (!d->pythons) pb_fail(PB_EXIT_FAILED, "out of memory");
    d->pythons[d->npythons++] = pb_user_path(*value);
  } else {
    return 0;
  }
  return 1;
}

json_t *pb_deploy_options_json(const pb_deploy_options *d) {
  json_t *pythons = json_array();
  for (size_t k = 0; k < d->npythons; k++)
    json_array_append_new(pythons, json_string(d->pythons[k]));
  return json_pack("{s:o, s:o, s:o}", "configs",
                   d->configs ? json_string(d->configs) : json_null(),
                   "configs_file",
                   d->configs_file ? json_string(d->configs_file) : json_null(),
                   "pythons", pythons);
}

int pb_deploy_options_given(const pb_deploy_options *d) {
  return d->given_configs || d->given_file || d->npythons;
}

/* --- configurations ---------------------------------------------------- */

/* The registry's allocator CPython bundles under that PYTHONMALLOC value. */
static const pb_backend_entry *bundled(const char *object) {
  for (const pb_backend_entry *b = pb_backend_registry; b->name; b++)
    if (b->pythonmalloc && strcmp(b->pythonmalloc, object) == 0) return b;
  return NULL;
}

/* "pymalloc, malloc, X" for messages (malloc'd). */
static char *object_names(void) {
  char *s = xasprintf("%s, %s", OBJECT_PYMALLOC, OBJECT_MALLOC);
  for (const pb_backend_entry *b = pb_backend_registry; b->name; b++)
    if (b->pythonmalloc) {
      char *t = xasprintf("%s, %s", s, b->pythonmalloc);
      free(s);
      s = t;
    }
  return s;
}

static char *process_names(void) {
  char *s = NULL;
  for (const pb_backend_entry *b = pb_backend_registry; b->name; b++)
    if (b->libc || b->preload) {
      char *t = xasprintf("%s%s%s", s ? s : "", s ? ", " : "", b->name);
      free(s);
      s = t;
    }
  return s ? s : xstrdup("");
}

/* Parses "OBJECT+PROCESS" into c; a PROCESS that is a path (allowed in a
 * file) is a library to preload. Returns 0, or -1 with why. */
static int parse_spec(const char *spec, int paths, config *c, char *why,
                      size_t size) {
  const char *plus = strchr(spec, '+');
  if (!plus || plus == spec || !plus[1]) {
    snprintf(why, size, "'%s' is not OBJECT+PROCESS", spec);
    return -1;
  }
  c->spec = xstrdup(spec);
  c->object = strndup(spec, (size_t)(plus - spec));
  if (!c->object) pb_fail(PB_EXIT_FAILED, "out of memory");
  const char *process = plus + 1;
  const pb_backend_entry *own = bundled(c->object);
  if (strcmp(c->object, OBJECT_PYMALLOC) == 0) {
    c->threshold = PYMALLOC_THRESHOLD;
  } else if (own) {
    c->threshold = own->pythonmalloc_threshold;
  } else if (strcmp(c->object, OBJECT_MALLOC) != 0) {
    char *names = object_names();
    snprintf(why, size, "'%s': unknown OBJECT '%s' (PYTHONMALLOC: %s)", spec,
             c->object, names);
    free(names);
    return -1;
  }
  if (paths && process[0] == '/') {
    c->preload = xstrdup(process);
    return 0;
  }
  c->process = pb_backend_find(process);
  if (!c->process || !(c->process->libc || c->process->preload)) {
    char *names = process_names();
    snprintf(why, size, "'%s': unknown PROCESS '%s' (%s%s)", spec, process,
             names, paths ? ", or a library's absolute path" : "");
    free(names);
    return -1;
  }
  if (c->process->preload) c->preload = xstrdup(c->process->preload);
  return 0;
}

/* 1 when name is one of b's tunables (a name ending in '_' a prefix). */
static int tunes(const pb_backend_entry *b, const char *name, size_t len) {
  for (const char *const *t = b->tunables; t && *t; t++) {
    size_t n = strlen(*t);
    if ((*t)[n - 1] == '_' ? len >= n && strncmp(name, *t, n) == 0
                           : len == n && strncmp(name, *t, n) == 0)
      return 1;
  }
  return 0;
}

/* A VAR=VALUE of a file's line must tune an allocator the configuration
 * runs: its PROCESS (any allocator's, for a library path), the C library's
 * (always there), or its OBJECT's bundled one. Returns 0, or -1 with why. */
static int check_tunable(const config *c, const char *item, char *why,
                         size_t size) {
  const char *eq = strchr(item, '=');
  if (!eq || eq == item) {
    snprintf(why, size, "'%s' is not VAR=VALUE", item);
    return -1;
  }
  size_t len = (size_t)(eq - item);
  const pb_backend_entry *own = bundled(c->object);
  for (const pb_backend_entry *b = pb_backend_registry; b->name; b++) {
    int runs =
        b->libc || b == c->process || b == own || (!c->process && b->preload);
    if (runs && tunes(b, item, len)) return 0;
  }
  snprintf(why, size,
           "%.*s tunes no allocator of %s (each variable of a line must tune "
           "its PROCESS's malloc, the C library's or its OBJECT's)",
           (int)len, item, c->spec);
  return -1;
}

static int valid_name(const char *name) {
  if (!*name) return 0;
  for (const char *c = name; *c; c++)
    if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.')
      return 0;
  return 1;
}

static void add_config(config **list, size_t *n, const config *c) {
  *list = realloc(*list, (*n + 1) * sizeof **list);
  if (!*list) pb_fail(PB_EXIT_FAILED, "out of memory");
  (*list)[(*n)++] = *c;
}

static config *find_config(config *list, size_t n, const char *name) {
  for (size_t k = 0; k < n; k++)
    if (strcmp(list[k].name, name) == 0) return &list[k];
  return NULL;
}

/* The configurations of --configs-file: one a line, NAME OBJECT+PROCESS
 * [VAR=VALUE ...]; '#' starts a comment; blank lines are skipped. */
static void read_file(const char *path, config **list, size_t *n) {
  FILE *f = fopen(path, "r");
  if (!f)
    pb_fail(PB_EXIT_BAD_INPUT, "--configs-file: %s: %s", path, strerror(errno));
  char line[LINE_MAX_], why[512];
  for (int number = 1; fgets(line, sizeof line, f); number++) {
    if (!strchr(line, '\n') && !feof(f))
      pb_fail(PB_EXIT_BAD_INPUT, "--configs-file: %s:%d: line too long", path,
              number);
    line[strcspn(line, "#\n")] = '\0';
    char *words[TUNABLES_MAX + 3], *save = NULL;
    size_t nwords = 0;
    for (char *w = strtok_r(line, " \t\r", &save); w;
         w = strtok_r(NULL, " \t\r", &save)) {
      if (nwords == TUNABLES_MAX + 2)
        pb_fail(PB_EXIT_BAD_INPUT,
                "--configs-file: %s:%d: more than %d variables", path, number,
                TUNABLES_MAX);
      words[nwords++] = w;
    }
    if (nwords == 0) continue;
    if (nwords < 2)
      pb_fail(PB_EXIT_BAD_INPUT,
              "--configs-file: %s:%d: expected NAME OBJECT+PROCESS "
              "[VAR=VALUE ...]",
              path, number);
    if (!valid_name(words[0]) || strchr(words[0], '+'))
      pb_fail(PB_EXIT_BAD_INPUT,
              "--configs-file: %s:%d: NAME '%s' must be letters, digits, "
              "'_', '-' or '.'",
              path, number, words[0]);
    if (find_config(*list, *n, words[0]))
      pb_fail(PB_EXIT_BAD_INPUT, "--configs-file: %s:%d: '%s' is named twice",
              path, number, words[0]);
    config c = {.name = xstrdup(words[0])};
    if (parse_spec(words[1], 1, &c, why, sizeof why) != 0)
      pb_fail(PB_EXIT_BAD_INPUT, "--configs-file: %s:%d: %s", path, number,
              why);
    for (size_t k = 2; k < nwords; k++) {
      if (check_tunable(&c, words[k], why, sizeof why) != 0)
        pb_fail(PB_EXIT_BAD_INPUT, "--configs-file: %s:%d: %s", path, number,
                why);
      c.tunables[k - 2] = xstrdup(words[k]);
    }
    add_config(list, n, &c);
  }
  fclose(f);
}

/* The configurations to run: those --configs names (OBJECT+PROCESS, or a
 * file's NAME), or the defaults and every one of the file. */
static config *select_configs(const pb_deploy_options *d, size_t *count) {
  config *file = NULL, *chosen = NULL;
  size_t nfile = 0, n = 0;
  char why[512];
  if (d->configs_file) read_file(d->configs_file, &file, &nfile);
  if (d->configs) {
    size_t nnames;
    char **names = pb_list_split(d->configs, ',', &nnames);
    for (size_t k = 0; k < nnames; k++) {
      if (find_config(chosen, n, names[k]))
        pb_fail(PB_EXIT_BAD_INPUT, "--configs: '%s' is named twice", names[k]);
      config *named = find_config(file, nfile, names[k]);
      if (named) {
        add_config(&chosen, &n, named);
        continue;
      }
      config c = {.name = xstrdup(names[k])};
      if (parse_spec(names[k], 0, &c, why, sizeof why) != 0)
        pb_fail(PB_EXIT_BAD_INPUT, "--configs: %s%s", why,
                nfile ? " (nor a name of --configs-file)" : "");
      add_config(&chosen, &n, &c);
    }
    pb_list_free(names);
  } else {
    for (const char *const *spec = pb_deploy_defaults; *spec; spec++) {
      config c = {.name = xstrdup(*spec), .from_defaults = 1};
      if (parse_spec(*spec, 0, &c, why, sizeof why) != 0)
        pb_fail(PB_EXIT_FAILED, "allocator/backends.bzl: DEPLOY_DEFAULTS: %s",
                why);
      add_config(&chosen, &n, &c);
    }
    for (size_t k = 0; k < nfile; k++) add_config(&chosen, &n, &file[k]);
  }
  if (n == 0) pb_fail(PB_EXIT_BAD_INPUT, "--configs: no configuration named");
  free(file);
  *count = n;
  return chosen;
}

/* --- interpreters ------------------------------------------------------ */

typedef struct interpreter {
  char *path;
  char version[32];  /* "3.11.2" */
  char minor[16];    /* "3.11" */
  const char *shown; /* in labels: minor, or version when two share it */
} interpreter;

/* Runs argv with the extra NAME=VALUE (or NULL) in the environment; 0 when
 * it exits 0, with its stdout in out; -1 with its last line of stderr (or
 * what became of it) in why. */
static int ask(char **argv, const char *extra, char *out, size_t outsize,
               char *why, size_t size) {
  size_t n = 0;
  while (environ[n]) n++;
  char **envp = calloc(n + 2, sizeof *envp);
  if (!envp) pb_fail(PB_EXIT_FAILED, "out of memory");
  memcpy(envp, environ, n * sizeof *envp);
  envp[n] = (char *)extra;
  pb_spawn_result r;
  pb_outcome o =
      pb_outcome_judge(pb_spawn_env(argv, envp, 60, &r), &r, why, size);
  free(envp);
  if (o == PB_OUTCOME_INTERRUPTED)
    pb_fail(pb_interrupt_exit_status(pb_interrupt_signal()),
            "interrupted while asking %s", argv[0]);
  if (o == PB_OUTCOME_OK && out) snprintf(out, outsize, "%s", r.out);
  if (o != PB_OUTCOME_OK && r.err && *r.err) {
    /* The first line that says what is wrong: CPython's "Fatal Python
     * error: ..." comes first. */
    snprintf(why, size, "%.*s", (int)strcspn(r.err, "\n"), r.err);
  }
  pb_spawn_result_free(&r);
  return o == PB_OUTCOME_OK ? 0 : -1;
}

static void find_version(interpreter *in) {
  char *argv[] = {in->path, "-c",
                  "import sys; print('%d.%d.%d' % sys.version_info[:3])", NULL};
  char out[64], why[256];
  unsigned major, minor, micro;
  if (ask(argv, NULL, out, sizeof out, why, sizeof why) != 0 ||
      sscanf(out, "%u.%u.%u", &major, &minor, &micro) != 3)
    pb_fail(PB_EXIT_BAD_INPUT, "--python: %s does not run as Python: %s",
            in->path, why);
  if (major < OLDEST_MAJOR || (major == OLDEST_MAJOR && minor < OLDEST_MINOR))
    pb_fail(PB_EXIT_BAD_INPUT,
            "--python: %s is Python %u.%u.%u: PYTHONMALLOC needs 3.6 or later",
            in->path, major, minor, micro);
  snprintf(in->version, sizeof in->version, "%u.%u.%u", major, minor, micro);
  snprintf(in->minor, sizeof in->minor, "%u.%u", major, minor);
}

static interpreter *find_interpreters(const pb_deploy_options *d,
                                      size_t *count) {
  /* Debian's: what pyrun embeds, and what a user of this image deploys. */
  static char *debian[] = {"/usr/bin/python3.11"};
  char **paths = d->npythons ? d->pythons : debian;
  size_t n = d->npythons ? d->npythons : 1;
  interpreter *in = calloc(n, sizeof *in);
  if (!in) pb_fail(PB_EXIT_FAILED, "out of memory");
  for (size_t k = 0; k < n; k++) {
    in[k].path = paths[k];
    if (access(in[k].path, X_OK) != 0)
      pb_fail(PB_EXIT_BAD_INPUT, "--python: %s: %s", in[k].path,
              errno == ENOENT ? "no such interpreter" : strerror(errno));
    find_version(&in[k]);
  }
  /* Labels name the minor version; two interpreters of one minor version
   * are told apart by the full one; two of one version cannot be. */
  for (size_t k = 0; k < n; k++) {
    in[k].shown = in[k].minor;
    for (size_t j = 0; j < n; j++) {
      if (j == k) continue;
      if (strcmp(in[j].version, in[k].version) == 0)
        pb_fail(PB_EXIT_BAD_INPUT,
                "--python: %s and %s are both Python %s: their cells would "
                "have one name",
                in[j].path, in[k].path, in[k].version);
      if (strcmp(in[j].minor, in[k].minor) == 0) in[k].shown = in[k].version;
    }
  }
  *count = n;
  return in;
}

/* 1 when the interpreter starts with PYTHONMALLOC=object; why otherwise. */
static int runs_object(const interpreter *in, const char *object, char *why,
                       size_t size) {
  char *argv[] = {in->path, "-c", "pass", NULL};
  char *setting = xasprintf("PYTHONMALLOC=%s", object);
  int ok = ask(argv, setting, NULL, 0, why, size) == 0;
  free(setting);
  return ok;
}

/* --- variants ---------------------------------------------------------- */

static void build_variant(pb_variant *v, const interpreter *in,
                          const config *c) {
  struct pb_deployment *dep = calloc(1, sizeof *dep);
  if (!dep) pb_fail(PB_EXIT_FAILED, "out of memory");
  dep->object = c->object;
  dep->threshold = c->threshold;
  snprintf(dep->version, sizeof dep->version, "%s", in->version);
  size_t ntunables = 0;
  while (c->tunables[ntunables]) ntunables++;
  char **env = calloc(ntunables + 3, sizeof *env);
  if (!env) pb_fail(PB_EXIT_FAILED, "out of memory");
  size_t n = 0;
  env[n++] = xasprintf("PYTHONMALLOC=%s", c->object);
  if (c->preload) {
    char real[PATH_MAX];
    if (!realpath(c->preload, real))
      pb_fail(PB_EXIT_BAD_INPUT, "%s:%s: %s: %s", in->shown, c->name,
              c->preload,
              errno == ENOENT ? "no such library (is its package installed?)"
                              : strerror(errno));
    dep->preload_real = xstrdup(real);
    env[n++] = xasprintf("LD_PRELOAD=%s", c->preload);
  }
  for (size_t k = 0; k < ntunables; k++) env[n++] = c->tunables[k];
  const char *process = c->process ? c->process->name : c->preload;
  const char *slash = strrchr(process, '/');
  *v = (pb_variant){
      .label = xasprintf("%s:%s", in->shown, c->name),
      .backend = slash ? slash + 1 : process,
      .python = in->path,
      .environment = env,
      .deployment = dep,
      /* CPython as shipped: what the verdict compares the others with. */
      .pymalloc = strcmp(c->object, OBJECT_PYMALLOC) == 0 && c->process &&
                  c->process->libc && ntunables == 0,
  };
  json_t *settings = json_object();
  for (size_t k = 0; env[k]; k++) {
    const char *eq = strchr(env[k], '=');
    char *name = strndup(env[k], (size_t)(eq - env[k]));
    if (!name) pb_fail(PB_EXIT_FAILED, "out of memory");
    json_object_set_new(settings, name, json_string(eq + 1));
    free(name);
  }
  char *version = xasprintf("Python %s", in->version);
  v->identity = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "version",
                          version, "interpreter", in->path, "configuration",
                          c->spec, "pythonmalloc", c->object, "process",
                          process, "name", c->name, "environment", settings);
  free(version);
}

static void choose_reference(const char *reference, const interpreter *first,
                             pb_matrix *m) {
  m->reference = &m->variants[0];
  if (reference) {
    char *label = xasprintf("%s:%s", first->shown, reference);
    for (size_t v = 0; v < m->nvariants; v++)
      if (strcmp(m->variants[v].label, reference) == 0 ||
          strcmp(m->variants[v].label, label) == 0) {
        m->reference = &m->variants[v];
        free(label);
        return;
      }
    pb_fail(PB_EXIT_BAD_INPUT,
            "--reference: '%s' is not among the configurations compared",
            reference);
  }
  for (size_t v = 0; v < m->nvariants; v++)
    if (m->variants[v].pymalloc) {
      m->reference = &m->variants[v];
      return;
    }
}

void pb_deploy_variants_build(const pb_deploy_options *d, const char *reference,
                              const char *argv0, pb_matrix *m) {
  size_t nconfigs, ninterpreters;
  config *configs = select_configs(d, &nconfigs);
  interpreter *in = find_interpreters(d, &ninterpreters);
  m->variants = calloc(nconfigs * ninterpreters, sizeof *m->variants);
  if (!m->variants) pb_fail(PB_EXIT_FAILED, "out of memory");
  m->nvariants = 0;
  char why[256], *left_out = NULL;
  for (size_t i = 0; i < ninterpreters; i++)
    for (size_t c = 0; c < nconfigs; c++) {
      const char *object = configs[c].object;
      if (strcmp(object, OBJECT_PYMALLOC) != 0 &&
          strcmp(object, OBJECT_MALLOC) != 0 &&
          !runs_object(&in[i], object, why, sizeof why)) {
        /* A default the interpreter lacks (3.13's allocator on 3.11) is
         * left out; one the user asked for cannot be. */
        if (configs[c].from_defaults) {
          /* Said once every check has passed: a refusal stays alone. */
          char *note = xasprintf(
              "%s%s%s: left out %s: %s (Python %s) has no PYTHONMALLOC=%s",
              left_out ? left_out : "", left_out ? "\n" : "", in[i].shown,
              configs[c].name, in[i].path, in[i].version, object);
          free(left_out);
          left_out = note;
          continue;
        }
        pb_fail(PB_EXIT_BAD_INPUT,
                "%s:%s: %s (Python %s) has no PYTHONMALLOC=%s: %s", in[i].shown,
                configs[c].name, in[i].path, in[i].version, object, why);
      }
      build_variant(&m->variants[m->nvariants++], &in[i], &configs[c]);
    }
  choose_reference(reference, &in[0], m);
  measure = pb_locate_or_fail(argv0, "harness/process/measure",
                              "harness/process/measure");
  probe = pb_locate_or_fail(argv0, "harness/comparison/deploy_probe.py",
                            "the deployment probe");
  /* Not close-on-exec: measure and the interpreter inherit it. */
  report_fd = memfd_create("poolbench-deploy-report", 0);
  if (report_fd < 0)
    pb_fail(PB_EXIT_FAILED, "memfd_create: %s", strerror(errno));
  snprintf(report_fd_text, sizeof report_fd_text, "%d", report_fd);
  if (left_out) {
    for (char *line = strtok(left_out, "\n"); line; line = strtok(NULL, "\n"))
      pb_warn("%s", line);
    free(left_out);
  }
}

/* --- runs -------------------------------------------------------------- */

/* The probe's report, read back from the memfd, or NULL. */
static json_t *read_report(void) {
  off_t size = lseek(report_fd, 0, SEEK_END);
  if (size <= 0 || size > (1 << 22)) return NULL;
  char *text = malloc((size_t)size + 1);
  if (!text) pb_fail(PB_EXIT_FAILED, "out of memory");
  ssize_t got = pread(report_fd, text, (size_t)size, 0);
  json_t *report = NULL;
  if (got == size) {
    text[size] = '\0';
    report = json_loads(text, 0, NULL);
  }
  free(text);
  return report;
}

static int mapped(json_t *report, const char *path) {
  size_t i;
  json_t *p;
  json_array_foreach(json_object_get(report, "mapped"), i, p) {
    if (json_is_string(p) && strcmp(json_string_value(p), path) == 0) return 1;
  }
  return 0;
}

/* Why the report says the configuration did not take effect ("" when it
 * did). */
static void judge_report(const struct pb_deployment *dep, json_t *report,
                         char *why, size_t size) {
  why[0] = '\0';
  if (!json_is_object(report)) {
    snprintf(why, size,
             "the program left no report of its allocators (it ended "
             "without exit handlers, os._exit): its configuration is "
             "unverified");
    return;
  }
  json_t *t = json_object_get(report, "small_block_threshold");
  json_int_t threshold = json_is_integer(t) ? json_integer_value(t) : 0;
  json_int_t blocks =
      json_integer_value(json_object_get(report, "allocated_blocks"));
  if (threshold != dep->threshold) {
    char said[64] = "no small block threshold";
    if (threshold)
      snprintf(said, sizeof said, "a small block threshold of %lld",
               (long long)threshold);
    snprintf(why, size,
             "PYTHONMALLOC=%s did not take effect: sys._debugmallocstats() "
             "reports %s",
             dep->object, said);
    return;
  }
  /* Under malloc Python counts no blocks of its own. */
  if ((dep->threshold == 0) != (blocks == 0)) {
    snprintf(why, size,
             "PYTHONMALLOC=%s did not take effect: "
             "sys.getallocatedblocks() is %lld",
             dep->object, (long long)blocks);
    return;
  }
  const char *malloc_from =
      json_string_value(json_object_get(report, "malloc"));
  const char *libc = json_string_value(json_object_get(report, "libc"));
  if (!malloc_from) {
    snprintf(why, size,
             "cannot tell which library malloc comes from (%s): its "
             "configuration is unverified",
             json_string_value(json_object_get(report, "malloc_error"))
                 ? json_string_value(json_object_get(report, "malloc_error"))
                 : "no ctypes");
    return;
  }
  if (dep->preload_real && !mapped(report, dep->preload_real)) {
    snprintf(why, size,
             "LD_PRELOAD=%s did not take effect: the library is not mapped in "
             "the process (the loader ignored it, or the interpreter is a "
             "launcher that dropped it)",
             dep->preload_real);
    return;
  }
  const char *expected = dep->preload_real ? dep->preload_real : libc;
  if (expected && strcmp(malloc_from, expected) != 0)
    snprintf(why, size, "malloc comes from %s, not %s: %s", malloc_from,
             expected,
             dep->preload_real
                 ? "the library preloaded is mapped but is not the process's "
                   "malloc"
                 : "something replaced the C library's malloc");
}

static char failure[256]; /* why the last check refused, or "" */

/* measure's figures (every metric of the suite's runs), and the probe's
 * report saying the configuration took effect. */
static int deployed(const pb_cell *cell, json_t *result) {
  failure[0] = '\0';
  for (int k = 0; k < PB_METRIC_COUNT; k++)
    if (pb_metric_applies(&pb_metrics[k], cell->workload) &&
        !json_is_number(json_object_get(result, pb_metrics[k].key)))
      return 0;
  json_t *report = read_report();
  judge_report(cell->variant->deployment, report, failure, sizeof failure);
  json_decref(report);
  if (failure[0]) return 0;
  json_object_set_new(result, "configuration",
                      json_string(cell->variant->label));
  json_object_set_new(result, "workload",
                      json_string(cell->workload->workload));
  json_object_set_new(result, "program", json_string(cell->workload->script));
  json_object_set_new(result, "verified", json_true());
  if (!cell->workload->user_program)
    json_object_set_new(result, "scale", json_real(cell->workload->scale));
  return 1;
}

static void empty_report(void) {
  if (ftruncate(report_fd, 0) != 0)
    pb_fail(PB_EXIT_FAILED, "cannot empty the probe's report: %s",
            strerror(errno));
  lseek(report_fd, 0, SEEK_SET);
}

const char *const *pb_deploy_program(const pb_cell *cell) {
  static const char *words[4];
  words[0] = cell->variant->python;
  words[1] = probe;
  words[2] = report_fd_text;
  words[3] = NULL;
  empty_report();
  return words;
}

void pb_deploy_verify(const pb_cell *cell, char *why, size_t size) {
  json_t *report = read_report();
  judge_report(cell->variant->deployment, report, why, size);
  json_decref(report);
}

double pb_deploy_run(pb_cell *cell, int r, double timeout) {
  const pb_variant *v = cell->variant;
  const char *const before[] = {measure, v->python, probe, report_fd_text,
                                NULL};
  char **argv = pb_program_argv(before, cell->workload);
  /* The driver's environment (cleaned: environment.h), and the
   * configuration's own settings. */
  size_t n = 0, extra = 0;
  while (environ[n]) n++;
  while (v->environment[extra]) extra++;
  char **envp = calloc(n + extra + 1, sizeof *envp);
  if (!envp) pb_fail(PB_EXIT_FAILED, "out of memory");
  memcpy(envp, environ, n * sizeof *envp);
  memcpy(envp + n, v->environment, extra * sizeof *envp);
  empty_report();
  failure[0] = '\0';
  double seconds = pb_child_run_env(cell, r, argv, envp, timeout, deployed);
  pb_run *run = &cell->runs[r];
  if (!run->ok && !run->interrupted && failure[0])
    snprintf(run->failure, sizeof run->failure, "%s", failure);
  free(envp);
  free(argv);
  return seconds;
}

#include "harness/process/pinned.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>

#include "common/fail.h"
#include "harness/process/locate.h"

/* glibc 2.36's names (ld.so --list-tunables; sysdeps/x86/cpu-tunables.c).
 * AVX_Fast_Unaligned_Load is what selects the AVX memcpy, ERMS the
 * `rep movsb` ones, SSSE3 the SSSE3 ones; the cache sizes set where memcpy
 * switches to non-temporal stores. A tunable can only take a feature away,
 * never add one the CPU lacks: hence the baseline every x86-64 CPU has. */
static char preload[PATH_MAX + 16];
static char *environment[] = {
    preload,
    "GLIBC_TUNABLES="
    "glibc.cpu.hwcaps=-AVX_Fast_Unaligned_Load,-AVX,-AVX2,-AVX512F,-AVX512VL,"
    "-ERMS,-SSSE3,-Fast_Unaligned_Copy:"
    "glibc.cpu.x86_data_cache_size=32768:"
    "glibc.cpu.x86_shared_cache_size=1048576:"
    "glibc.cpu.x86_non_temporal_threshold=786432:"
    "glibc.cpu.x86_rep_movsb_threshold=2048:"
    "glibc.cpu.x86_rep_stosb_threshold=2048",
    "LD_BIND_NOW=1",
    NULL,
};

void pb_pinned_setup(const char *argv0) {
  char *path = pb_locate_or_fail(argv0, "harness/process/virtual_clock.so",
                                 "the virtual clock of the pinned runs");
  snprintf(preload, sizeof preload, "LD_PRELOAD=%s", path);
  free(path);
}

char *const *pb_pinned_environment(void) { return environment; }

/* The first CPU this process may run on, alone. */
static int one_cpu(const cpu_set_t *allowed, cpu_set_t *one) {
  CPU_ZERO(one);
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
    if (CPU_ISSET(cpu, allowed)) {
      CPU_SET(cpu, one);
      return 0;
    }
  errno = EINVAL;
  return -1;
}

static int spawn_pinned(char *const argv[], char *const envp[],
                        double timeout_seconds, pb_spawn_result *r) {
  int persona = personality(0xffffffff);
  int thp_disabled = prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0);
  cpu_set_t allowed, one;
  int affinity = sched_getaffinity(0, sizeof allowed, &allowed);
  int rc = -1;
  if (persona != -1 && thp_disabled != -1 && affinity == 0 &&
      one_cpu(&allowed, &one) == 0 &&
      sched_setaffinity(0, sizeof one, &one) == 0 &&
      personality((unsigned long)persona | ADDR_NO_RANDOMIZE) != -1 &&
      prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0)
    rc = pb_spawn_env(argv, envp, timeout_seconds, r);
  int saved = errno;
  prctl(PR_SET_THP_DISABLE, thp_disabled > 0, 0, 0, 0);
  if (persona != -1) personality((unsigned long)persona);
  if (affinity == 0) sched_setaffinity(0, sizeof allowed, &allowed);
  errno = saved;
  return rc;
}

int pb_spawn_pinned(char *const argv[], double timeout_seconds,
                    pb_spawn_result *r) {
  return spawn_pinned(argv, environment, timeout_seconds, r);
}

#define SETTINGS_MAX 16

/* The length of NAME= in setting, 0 when it has no '='. */
static size_t name_length(const char *setting) {
  const char *eq = strchr(setting, '=');
  return eq ? (size_t)(eq - setting) + 1 : 0;
}

int pb_spawn_pinned_adding(char *const argv[], char *const settings[],
                           double timeout_seconds, pb_spawn_result *r) {
  char *envp[sizeof environment / sizeof environment[0] + SETTINGS_MAX];
  char *joined[SETTINGS_MAX];
  size_t n = 0, njoined = 0;
  for (char *const *e = environment; *e; e++) envp[n++] = *e;
  size_t pinned = n;
  for (size_t k = 0; settings[k] && k < SETTINGS_MAX; k++) {
    /* A setting of a pinned variable (a deployment's LD_PRELOAD or
     * GLIBC_TUNABLES) joins it, ':'-separated: both lists take ':', and a
     * second entry of one name would be ignored by getenv. */
    size_t len = name_length(settings[k]);
    size_t j = 0;
    while (j < pinned && !(len && strncmp(envp[j], settings[k], len) == 0)) j++;
    if (j == pinned) {
      envp[n++] = settings[k];
      continue;
    }
    if (asprintf(&joined[njoined], "%s:%s", envp[j], settings[k] + len) < 0)
      pb_fail(PB_EXIT_FAILED, "out of memory");
    envp[j] = joined[njoined++];
  }
  envp[n] = NULL;
  int rc = spawn_pinned(argv, envp, timeout_seconds, r);
  int saved = errno;
  for (size_t k = 0; k < njoined; k++) free(joined[k]);
  errno = saved;
  return rc;
}

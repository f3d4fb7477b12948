#include "harness/report/machine.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* The CPU's model name from /proc/cpuinfo, or "unknown". */
static void cpu_model(char *model, size_t size) {
  snprintf(model, size, "unknown");
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "model name", 10) != 0) continue;
    char *colon = strchr(line, ':');
    if (colon) {
      snprintf(model, size, "%s", colon + 2);
      model[strcspn(model, "\n")] = '\0';
    }
    break;
  }
  fclose(f);
}

json_t *pb_machine_json(void) {
  struct utsname u;
  uname(&u);
  char model[256];
  cpu_model(model, sizeof model);
  time_t now = time(NULL);
  char date[64];
  strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  return json_pack(
      "{s:s, s:s, s:s, s:s, s:I, s:I, s:s}", "system", u.sysname, "kernel",
      u.release, "arch", u.machine, "cpu", model, "cpus",
      (json_int_t)sysconf(_SC_NPROCESSORS_ONLN), "memory_bytes",
      (json_int_t)sysconf(_SC_PHYS_PAGES) * (json_int_t)sysconf(_SC_PAGESIZE),
      "date", date);
}

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fail.h"
#include "harness/report/exporter.h"

const pb_exporter *const pb_exporters[] = {
    &pb_exporter_markdown, &pb_exporter_csv,       &pb_exporter_json,
    &pb_exporter_charts,   &pb_exporter_hyperfine, NULL,
};

int pb_exporters_own(const char *name) {
  for (const pb_exporter *const *e = pb_exporters; *e; e++)
    if ((*e)->owns(name)) return 1;
  return 0;
}

void pb_rendered_add(pb_rendered *out, const char *name, char *data,
                     size_t len) {
  struct pb_rendered_file *files =
      realloc(out->files, (out->count + 1) * sizeof *files);
  char *copy = strdup(name);
  if (!files || !copy || !data) pb_fail(PB_EXIT_FAILED, "out of memory");
  out->files = files;
  files[out->count++] = (struct pb_rendered_file){copy, data, len};
}

void pb_rendered_free(pb_rendered *out) {
  for (size_t i = 0; i < out->count; i++) {
    free(out->files[i].name);
    free(out->files[i].data);
  }
  free(out->files);
  memset(out, 0, sizeof *out);
}

char *pb_render_to_memory(void (*print)(const pb_report *, FILE *),
                          const pb_report *r, size_t *len) {
  char *buf = NULL;
  FILE *f = open_memstream(&buf, len);
  if (!f) return NULL;
  print(r, f);
  if (fclose(f) != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

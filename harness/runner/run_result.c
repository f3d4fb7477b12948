#include "harness/runner/run_result.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "harness/metrics/metrics.h"

static uint64_t ops_of(const pb_result *r) {
  const pb_trace_profile *p = &r->profile;
  return p->mallocs + p->callocs + p->reallocs + p->frees;
}

double pb_result_ns_per_op(const pb_result *r) {
  uint64_t ops = ops_of(r);
  return ops ? r->seconds * 1e9 / (double)ops : 0.0;
}

double pb_result_cpu_ns_per_op(const pb_result *r) {
  uint64_t ops = ops_of(r);
  return ops ? r->cpu_seconds * 1e9 / (double)ops : 0.0;
}

double pb_result_descheduled_share(const pb_result *r) {
  return r->seconds > r->cpu_seconds
             ? (r->seconds - r->cpu_seconds) / r->seconds
             : 0.0;
}

/* Johnstone and Wilson's measure: the most memory the process held over the
 * most memory the program needed (max heap over max live). */
double pb_result_fragmentation(const pb_result *r) {
  return r->profile.peak_live_bytes
             ? (double)r->peak_rss_bytes / (double)r->profile.peak_live_bytes
             : 0.0;
}

static double mib(uint64_t bytes) { return (double)bytes / (1 << 20); }

void pb_result_print_text(const pb_result *r, FILE *out) {
  const pb_trace_profile *p = &r->profile;
  uint64_t ops = ops_of(r);
  fprintf(out, "backend        %s %s (%s)\n", r->backend, r->backend_version,
          r->config);
  if (r->trace_file)
    fprintf(out, "trace          %s (%s)\n", r->trace_file, r->workload);
  else
    fprintf(out, "workload       %s, scale %g, seed %llu\n", r->workload,
            r->scale, (unsigned long long)r->seed);
  fprintf(out,
          "ops            %llu (%llu malloc, %llu calloc, %llu realloc, "
          "%llu free)\n",
          (unsigned long long)ops, (unsigned long long)p->mallocs,
          (unsigned long long)p->callocs, (unsigned long long)p->reallocs,
          (unsigned long long)p->frees);
  if (r->threads > 1) /* one-thread runs read as they always did */
    fprintf(out,
            "threads        %u: %llu hand-offs, %llu cross-thread frees "
            "(%.1f%% of frees)\n",
            r->threads, (unsigned long long)p->handoffs,
            (unsigned long long)p->cross_thread_frees,
            p->frees ? 100.0 * (double)p->cross_thread_frees / (double)p->frees
                     : 0.0);
  fprintf(out, "time           %.4f s: %.2f ns/op, %.2f Mops/s\n", r->seconds,
          pb_result_ns_per_op(r),
          r->seconds > 0 ? (double)ops / r->seconds / 1e6 : 0.0);
  fprintf(out,
          "cpu time       %.4f s: %.2f ns/op; descheduled %.1f%% of the "
          "replay, %llu involuntary context switches\n",
          r->cpu_seconds, pb_result_cpu_ns_per_op(r),
          100 * pb_result_descheduled_share(r),
          (unsigned long long)r->involuntary_context_switches);
  fprintf(out, "peak live      %.2f MiB in %llu blocks\n",
          mib(p->peak_live_bytes), (unsigned long long)p->peak_live_blocks);
  fprintf(out, "peak RSS       %.2f MiB (%s): fragmentation %.3f\n",
          mib(r->peak_rss_bytes),
          r->peak_rss_exact ? "exact" : "high-water mark",
          pb_result_fragmentation(r));
  fprintf(out, "internal frag  %.2f MiB at peak (usable - requested)\n",
          mib(r->internal_fragmentation_bytes));
  fprintf(out,
          "retained       %.2f MiB after freeing all, %.2f MiB after "
          "release\n",
          mib(r->retained_bytes), mib(r->retained_after_release_bytes));
  if (r->overhead_measured)
    fprintf(out,
            "footprint      %.2f MiB at peak, %.2f MiB retained: the "
            "allocator's overhead %.2f MiB (constructors %.2f, init %.2f, "
            "its library %.2f) + RSS above the baseline\n",
            mib(r->allocator_overhead_bytes + r->peak_rss_bytes),
            mib(r->allocator_overhead_bytes + r->retained_bytes),
            mib(r->allocator_overhead_bytes),
            mib(r->overhead_constructors_bytes), mib(r->overhead_init_bytes),
            mib(r->overhead_library_bytes));
  fprintf(out, "page faults    %llu minor\n",
          (unsigned long long)r->minor_page_faults);
  if (r->memory_syscalls_counted) {
    fprintf(out, "syscalls      ");
    for (int k = 0; k < PB_MEMORY_SYSCALLS; k++)
      fprintf(out, " %s %llu%s", pb_memory_syscall_names[k],
              (unsigned long long)r->memory_syscalls[k],
              k + 1 < PB_MEMORY_SYSCALLS ? "," : " (replay)\n");
  }
  if (r->stats_at_peak.count) {
    fprintf(out, "allocator stats at peak:\n");
    for (size_t i = 0; i < r->stats_at_peak.count; i++)
      fprintf(out, "  %-30s %llu\n", r->stats_at_peak.items[i].name,
              (unsigned long long)r->stats_at_peak.items[i].value);
  }
}

static json_t *stats_json(const pb_stats *stats) {
  json_t *obj = json_object();
  for (size_t i = 0; i < stats->count; i++)
    json_object_set_new(obj, stats->items[i].name,
                        json_integer((json_int_t)stats->items[i].value));
  return obj;
}

static json_t *u64(uint64_t v) { return json_integer((json_int_t)v); }

/* A path as a JSON string. jansson refuses text that is not UTF-8, and the
 * field would vanish: each byte that does not begin a valid UTF-8 character
 * becomes U+FFFD instead. A character of n bytes is the shortest prefix that
 * jansson accepts (no shorter prefix of one is valid). */
static json_t *json_path(const char *path) {
  json_t *s = json_string(path);
  if (s) return s;
  size_t len = strlen(path), out = 0;
  char *clean = malloc(3 * len + 1);
  if (!clean) return json_null();
  for (size_t i = 0; i < len;) {
    size_t n = 1;
    json_t *ch = NULL;
    for (; n <= 4 && i + n <= len && !(ch = json_stringn(path + i, n)); n++) {
    }
    if (ch) {
      memcpy(clean + out, path + i, n);
      out += n;
      i += n;
      json_decref(ch);
    } else {
      memcpy(clean + out, "\xef\xbf\xbd", 3); /* U+FFFD */
      out += 3;
      i++;
    }
  }
  s = json_stringn(clean, out);
  free(clean);
  return s ? s : json_null();
}

int pb_result_print_json(const pb_result *r, FILE *out) {
  const pb_trace_profile *p = &r->profile;
  uint64_t ops = ops_of(r);
  json_t *timeline = json_array();
  for (unsigned i = 0; i < r->timeline_count; i++)
    json_array_append_new(timeline,
                          json_pack("[I, I]", (json_int_t)r->timeline[i].op,
                                    (json_int_t)r->timeline[i].rss_bytes));
  json_t *root = json_object();
  json_object_set_new(root, "backend", json_string(r->backend));
  json_object_set_new(root, "backend_version", json_string(r->backend_version));
  json_object_set_new(root, "config", json_string(r->config));
  json_object_set_new(root, "workload", json_string(r->workload));
  json_object_set_new(root, "trace_file",
                      r->trace_file ? json_path(r->trace_file) : json_null());
  json_object_set_new(root, "scale", json_real(r->scale));
  json_object_set_new(root, "seed", u64(r->seed));
  json_object_set_new(root, pb_metric_key(PB_METRIC_OPS), u64(ops));
  json_object_set_new(root, "mallocs", u64(p->mallocs));
  json_object_set_new(root, "callocs", u64(p->callocs));
  json_object_set_new(root, "reallocs", u64(p->reallocs));
  json_object_set_new(root, "frees", u64(p->frees));
  json_object_set_new(root, pb_metric_key(PB_METRIC_THREADS), u64(r->threads));
  json_object_set_new(root, pb_metric_key(PB_METRIC_CROSS_THREAD_FREES),
                      u64(p->cross_thread_frees));
  json_object_set_new(
      root, "cross_thread_free_share",
      json_real(p->frees ? (double)p->cross_thread_frees / (double)p->frees
                         : 0.0));
  json_object_set_new(root, "seconds", json_real(r->seconds));
  json_object_set_new(root, pb_metric_key(PB_METRIC_NS_PER_OP),
                      json_real(pb_result_ns_per_op(r)));
  json_object_set_new(
      root, "ops_per_sec",
      json_real(r->seconds > 0 ? (double)ops / r->seconds : 0.0));
  json_object_set_new(root, "cpu_seconds", json_real(r->cpu_seconds));
  json_object_set_new(root, pb_metric_key(PB_METRIC_CPU_NS_PER_OP),
                      json_real(pb_result_cpu_ns_per_op(r)));
  json_object_set_new(root, pb_metric_key(PB_METRIC_DESCHEDULED),
                      json_real(pb_result_descheduled_share(r)));
  json_object_set_new(root, "involuntary_context_switches",
                      u64(r->involuntary_context_switches));
  json_object_set_new(root, pb_metric_key(PB_METRIC_PEAK_LIVE),
                      u64(p->peak_live_bytes));
  json_object_set_new(root, "peak_live_blocks", u64(p->peak_live_blocks));
  json_object_set_new(root, pb_metric_key(PB_METRIC_PEAK_RSS),
                      u64(r->peak_rss_bytes));
  json_object_set_new(
      root, "peak_rss_method",
      json_string(r->peak_rss_exact ? "exact" : "high-water mark"));
  json_object_set_new(root, pb_metric_key(PB_METRIC_FRAGMENTATION),
                      json_real(pb_result_fragmentation(r)));
  json_object_set_new(root, "internal_fragmentation_bytes",
                      u64(r->internal_fragmentation_bytes));
  json_object_set_new(root, pb_metric_key(PB_METRIC_RETAINED),
                      u64(r->retained_bytes));
  json_object_set_new(root, pb_metric_key(PB_METRIC_RETAINED_AFTER_RELEASE),
                      u64(r->retained_after_release_bytes));
  if (r->overhead_measured) {
    json_object_set_new(root, pb_metric_key(PB_METRIC_ALLOCATOR_OVERHEAD),
                        u64(r->allocator_overhead_bytes));
    json_object_set_new(root, pb_metric_key(PB_METRIC_FOOTPRINT_PEAK),
                        u64(r->allocator_overhead_bytes + r->peak_rss_bytes));
    json_object_set_new(root, pb_metric_key(PB_METRIC_FOOTPRINT_RETAINED),
                        u64(r->allocator_overhead_bytes + r->retained_bytes));
    json_object_set_new(
        root, "allocator_overhead",
        json_pack("{s:I, s:I, s:I, s:o}", "constructors_bytes",
                  (json_int_t)r->overhead_constructors_bytes, "init_bytes",
                  (json_int_t)r->overhead_init_bytes, "library_bytes",
                  (json_int_t)r->overhead_library_bytes, "library",
                  r->allocator_library ? json_path(r->allocator_library)
                                       : json_null()));
  }
  json_object_set_new(root, pb_metric_key(PB_METRIC_MINOR_FAULTS),
                      u64(r->minor_page_faults));
  if (r->memory_syscalls_counted) {
    json_t *calls = json_object();
    uint64_t total = 0;
    for (int k = 0; k < PB_MEMORY_SYSCALLS; k++) {
      json_object_set_new(calls, pb_memory_syscall_names[k],
                          u64(r->memory_syscalls[k]));
      total += r->memory_syscalls[k];
    }
    json_object_set_new(root, pb_metrics[PB_METRIC_MEMORY_SYSCALLS].detail,
                        calls);
    json_object_set_new(root, pb_metric_key(PB_METRIC_MEMORY_SYSCALLS),
                        u64(total));
  }
  json_object_set_new(root, "rss_baseline_bytes", u64(r->rss_baseline_bytes));
  json_object_set_new(root, "rss_timeline", timeline);
  json_t *stats = json_object();
  json_object_set_new(stats, "at_peak", stats_json(&r->stats_at_peak));
  json_object_set_new(stats, "after_release",
                      stats_json(&r->stats_after_release));
  json_object_set_new(root, "allocator_stats", stats);
  int rc = json_dumpf(root, out, JSON_COMPACT | JSON_REAL_PRECISION(10));
  fputc('\n', out);
  json_decref(root);
  return rc == 0 ? 0 : -1;
}

int pb_result_print_backend(FILE *out) {
  json_t *parameters = json_array();
  char names[256];
  snprintf(names, sizeof names, "%s", pb_parameters());
  for (char *save, *name = strtok_r(names, ",", &save); name;
       name = strtok_r(NULL, ",", &save))
    json_array_append_new(parameters, json_string(name));
  json_t *root =
      json_pack("{s:s, s:s, s:s, s:o}", "backend", pb_name(), "version",
                pb_version(), "config", pb_config(), "parameters", parameters);
  int rc = root ? json_dumpf(root, out, JSON_COMPACT) : -1;
  fputc('\n', out);
  json_decref(root);
  return rc == 0 ? 0 : -1;
}

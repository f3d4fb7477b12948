/* The runner, end to end: bench_oracle on a tiny trace whose figures are
 * computed by hand here, its answers to bad input, and bench_glibc on a
 * realloc to 0 bytes.
 *
 * The oracle backend is used because its block sizes are fixed by formula
 * (16-byte classes to 512, then four per power of two), so internal
 * fragmentation and the bytes it carves are known exactly. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testing/check.h"
#include "testing/run_program.h"
#include "testing/trace_v1.h"
#include "workloads/trace.h"

static const char *bench = "harness/runner/bench_oracle";

typedef struct run_output {
  int status; /* exit status, or 128 + signal */
  char out[1 << 16];
  char err[4096];
} run_output;

/* Runs binary with the given arguments, capturing stdout and stderr. */
static void run_binary(run_output *o, const char *binary,
                       const char *const *args) {
  const char *argv[16];
  int argc = 0;
  argv[argc++] = binary;
  for (; *args; args++) argv[argc++] = *args;
  argv[argc] = NULL;
  pb_program_output p = pb_run_program(argv);
  o->status = p.status;
  snprintf(o->out, sizeof o->out, "%s", p.out);
  snprintf(o->err, sizeof o->err, "%s", p.err);
  pb_program_output_free(&p);
}

static void run(run_output *o, const char *const *args) {
  run_binary(o, bench, args);
}

static char trace_path[4096];

/* Live bytes after each op: 24, 124, 624, 600, 640 (the peak, op 4), 40, 0. */
static void write_tiny_trace(void) {
  pb_trace t;
  pb_trace_init(&t, "tiny", 7, 1.0);
  uint32_t a = pb_trace_malloc(&t, 24, PB_TOUCH_OBJECT);
  uint32_t b = pb_trace_malloc(&t, 100, PB_TOUCH_NONE);
  pb_trace_realloc(&t, b, 600, PB_TOUCH_ARRAY);
  pb_trace_free(&t, a);
  uint32_t c = pb_trace_malloc(&t, 40, PB_TOUCH_OBJECT);
  pb_trace_free(&t, b);
  pb_trace_free(&t, c);
  const char *dir = getenv("TEST_TMPDIR");
  snprintf(trace_path, sizeof trace_path, "%s/tiny.trace", dir ? dir : "/tmp");
  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_save(&t, trace_path, err) == 0, "%s", err);
  pb_trace_destroy(&t);
}

static json_int_t get_int(json_t *obj, const char *key) {
  json_t *v = json_object_get(obj, key);
  PB_CHECKF(json_is_integer(v), "%s missing or not an integer", key);
  return json_integer_value(v);
}

static double get_real(json_t *obj, const char *key) {
  json_t *v = json_object_get(obj, key);
  PB_CHECKF(json_is_number(v), "%s missing or not a number", key);
  return json_number_value(v);
}

static void figures_match_hand_computed_values(void) {
  static run_output o;
  const char *args[] = {"--trace", trace_path, "--json", NULL};
  run(&o, args);
  PB_CHECKF(o.status == 0, "exit %d: %s", o.status, o.err);
  json_error_t error;
  json_t *r = json_loads(o.out, 0, &error);
  PB_CHECKF(r != NULL, "not JSON: %s", error.text);

  PB_CHECK(strcmp(json_string_value(json_object_get(r, "backend")), "oracle") ==
           0);
  PB_CHECK(strcmp(json_string_value(json_object_get(r, "workload")), "tiny") ==
           0);
  PB_CHECK_EQ(get_int(r, "seed"), 7);
  PB_CHECK_EQ(get_int(r, "ops"), 7);
  PB_CHECK_EQ(get_int(r, "mallocs"), 3);
  PB_CHECK_EQ(get_int(r, "reallocs"), 1);
  PB_CHECK_EQ(get_int(r, "frees"), 3);
  PB_CHECK_EQ(get_int(r, "peak_live_bytes"), 640);
  PB_CHECK_EQ(get_int(r, "peak_live_blocks"), 2);
  /* At the peak the live blocks are 600 bytes (oracle class 640: 512 plus
   * one step of 128) and 40 bytes (class 48): 40 + 8 bytes of slack. */
  PB_CHECK_EQ(get_int(r, "internal_fragmentation_bytes"), 48);

  double seconds = get_real(r, "seconds");
  PB_CHECK(seconds > 0);
  /* JSON carries 10 significant digits: compare relative to the value. */
  double ns = seconds * 1e9 / 7;
  PB_CHECK(fabs(get_real(r, "ns_per_op") - ns) <= 1e-8 * ns);
  PB_CHECK(fabs(get_real(r, "ops_per_sec") - 7 / seconds) < 1e-3 * 7 / seconds);
  /* CPU time of the same segments; wall minus CPU over wall, from 0. */
  double cpu = get_real(r, "cpu_seconds");
  PB_CHECK(cpu > 0);
  PB_CHECK(fabs(get_real(r, "cpu_ns_per_op") - cpu * 1e9 / 7) <=
           1e-8 * cpu * 1e9 / 7);
  double share = get_real(r, "descheduled_share");
  double expected = seconds > cpu ? (seconds - cpu) / seconds : 0;
  PB_CHECK(fabs(share - expected) <= 1e-8 + 1e-8 * expected);
  get_int(r, "involuntary_context_switches");
  PB_CHECK(json_object_get(r, "memory_syscalls") == NULL); /* not counted */
  double peak_rss = (double)get_int(r, "peak_rss_bytes");
  PB_CHECK(fabs(get_real(r, "fragmentation") - peak_rss / 640) <=
           1e-8 * (peak_rss / 640) + 1e-12);
  get_int(r, "retained_bytes");
  get_int(r, "retained_after_release_bytes");
  get_int(r, "minor_page_faults");

  /* The timeline ends at the last op and never goes backwards. */
  json_t *timeline = json_object_get(r, "rss_timeline");
  PB_CHECK(json_is_array(timeline) && json_array_size(timeline) > 0);
  json_int_t last = -1;
  for (size_t i = 0; i < json_array_size(timeline); i++) {
    json_int_t op =
        json_integer_value(json_array_get(json_array_get(timeline, i), 0));
    PB_CHECK(op >= last);
    last = op;
  }
  PB_CHECK_EQ(last, 7);

  /* The oracle's own figure at the peak: every byte it ever carved: 32 (the
   * freed 24-byte object), 112 (the 100-byte buffer before it grew), 640
   * (the grown one) and 48. */
  json_t *at_peak =
      json_object_get(json_object_get(r, "allocator_stats"), "at_peak");
  PB_CHECK_EQ(get_int(at_peak, "carved_bytes"), 32 + 112 + 640 + 48);
  json_decref(r);
}

/* --allocator-report: the backend's own report at the peak and after the
 * teardown, each under its heading. The oracle never returns what it
 * carved, so both say the 832 bytes counted above. */
static void allocator_report_at_peak_and_teardown(void) {
  static run_output o;
  char path[4200], arg[4300];
  snprintf(path, sizeof path, "%s.report", trace_path);
  snprintf(arg, sizeof arg, "--allocator-report=%s", path);
  const char *args[] = {"--trace", trace_path, arg, "--json", NULL};
  run(&o, args);
  PB_CHECKF(o.status == 0, "exit %d: %s", o.status, o.err);
  FILE *in = fopen(path, "r");
  PB_CHECK(in != NULL);
  char text[1024];
  size_t n = fread(text, 1, sizeof text - 1, in);
  text[n] = '\0';
  fclose(in);
  /* The reservation is sized from the trace (pb_expect): read it back. */
  unsigned long long reserved = 0;
  const char *line = strchr(text, '\n');
  PB_CHECKF(
      line &&
          sscanf(line + 1, "oracle: 832 bytes carved out of %llu reserved",
                 &reserved) == 1 &&
          reserved > 0,
      "report:\n%s", text);
  char expected[512];
  snprintf(expected, sizeof expected,
           "== allocator report: at the peak of live bytes ==\n"
           "oracle: 832 bytes carved out of %llu reserved, never returned\n"
           "== allocator report: after teardown, every block freed ==\n"
           "oracle: 832 bytes carved out of %llu reserved, never returned\n",
           reserved, reserved);
  PB_CHECKF(strcmp(text, expected) == 0, "report:\n%s", text);
}

/* Only the replay is counted: the oracle maps its reservation before it
 * (pb_expect) and nothing during it. */
static void syscalls_are_counted_in_the_replay_only(void) {
  static run_output o;
  const char *args[] = {"--trace", trace_path, "--json", "--count-syscalls",
                        NULL};
  run(&o, args);
  PB_CHECKF(o.status == 0, "exit %d: %s", o.status, o.err);
  json_t *r = json_loads(o.out, 0, NULL);
  PB_CHECK(r != NULL);
  json_t *calls = json_object_get(r, "memory_syscalls");
  const char *names[] = {"mmap", "munmap", "mremap", "madvise", "brk"};
  for (size_t k = 0; k < 5; k++) PB_CHECK_EQ(get_int(calls, names[k]), 0);
  PB_CHECK_EQ(get_int(r, "memory_syscalls_total"), 0);
  json_decref(r);
}

static void text_output_names_the_figures(void) {
  static run_output o;
  const char *args[] = {"--trace", trace_path, NULL};
  run(&o, args);
  PB_CHECKF(o.status == 0, "exit %d: %s", o.status, o.err);
  PB_CHECK(strstr(o.out, "ns/op") != NULL);
  PB_CHECK(strstr(o.out, "fragmentation") != NULL);
  PB_CHECK(strstr(o.out, "retained") != NULL);
  PB_CHECK(strstr(o.out, "descheduled") != NULL);
}

/* Bad input: exit 2, exactly one line on stderr naming the problem. */
static void expect_usage_error(const char *const *args, const char *named) {
  static run_output o;
  run(&o, args);
  PB_CHECKF(o.status == 2, "exit %d for %s", o.status, args[0]);
  PB_CHECKF(strstr(o.err, named) != NULL, "'%s' not in: %s", named, o.err);
  char *newline = strchr(o.err, '\n');
  PB_CHECKF(newline && newline[1] == '\0', "not one line: %s", o.err);
  PB_CHECK(o.out[0] == '\0');
}

static void bad_input_is_one_clear_line(void) {
  const char *unknown_workload[] = {"--workload=nosuch", NULL};
  expect_usage_error(unknown_workload, "nosuch");
  const char *bad_scale[] = {"--workload=ints", "--scale=1x", NULL};
  expect_usage_error(bad_scale, "1x");
  const char *zero_scale[] = {"--workload=ints", "--scale=0", NULL};
  expect_usage_error(zero_scale, "--scale");
  const char *bad_seed[] = {"--workload=ints", "--seed=-3", NULL};
  expect_usage_error(bad_seed, "-3");
  const char *unknown_option[] = {"--workload=ints", "--fast", NULL};
  expect_usage_error(unknown_option, "--fast");
  const char *nothing[] = {NULL};
  expect_usage_error(nothing, "--workload");
  const char *param[] = {"--workload=ints", "layout=3.8", NULL};
  expect_usage_error(param, "layout"); /* the oracle takes no parameters */
  const char *missing_file[] = {"--trace=/nonexistent/x.trace", NULL};
  expect_usage_error(missing_file, "/nonexistent/x.trace");
  const char *bad_report[] = {"--workload=ints", "--scale=0.001",
                              "--allocator-report=/nonexistent/r.txt", NULL};
  expect_usage_error(bad_report, "/nonexistent/r.txt");

  /* A truncated trace file. */
  char truncated[4200];
  snprintf(truncated, sizeof truncated, "%s.cut", trace_path);
  FILE *in = fopen(trace_path, "rb");
  FILE *out = fopen(truncated, "wb");
  PB_CHECK(in && out);
  char buf[256];
  size_t n = fread(buf, 1, sizeof buf, in);
  PB_CHECK(n > 140);
  fwrite(buf, 1, n - 5, out);
  fclose(in);
  fclose(out);
  const char *cut[] = {"--trace", truncated, NULL};
  expect_usage_error(cut, truncated);
}

/* A 140-byte version 1 file (its header outside the checksum) that asks for
 * two hundred million slots: once it made the runner map and populate
 * 3 GB; now the loader refuses it before mapping anything. */
static void hostile_slot_count_is_refused(void) {
  pb_trace t;
  pb_trace_init(&t, "hostile", 0, 0);
  const pb_op one[] = {{0, 16, PB_OP_MALLOC, 0, 0, 0}};
  t.ops = (pb_op *)one;
  t.count = 1;
  t.slots = 200000000;
  char path[4200];
  snprintf(path, sizeof path, "%s.hostile", trace_path);
  pb_trace_write_v1(&t, path);
  const char *args[] = {"--trace", path, NULL};
  expect_usage_error(args,
                     "slot count 200000000, but 1 ops cannot use that many "
                     "slots");
}

/* realloc(p, 0) is a minimal block on every backend (allocator.h); glibc's
 * own realloc frees and returns NULL, which the runner took for out of
 * memory (exit 3). */
static void realloc_to_zero_replays_on_glibc(void) {
  pb_trace t;
  pb_trace_init(&t, "realloc0", 0, 0);
  uint32_t a = pb_trace_malloc(&t, 100, PB_TOUCH_NONE);
  pb_trace_realloc(&t, a, 0, PB_TOUCH_NONE);
  pb_trace_realloc(&t, a, 40, PB_TOUCH_ARRAY);
  pb_trace_free(&t, a);
  char path[4200];
  snprintf(path, sizeof path, "%s.realloc0", trace_path);
  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_save(&t, path, err) == 0, "%s", err);
  pb_trace_destroy(&t);
  static run_output o;
  const char *args[] = {"--trace", path, "--json", NULL};
  run_binary(&o, "harness/runner/bench_glibc", args);
  PB_CHECKF(o.status == 0, "exit %d: %s", o.status, o.err);
  PB_CHECK(strstr(o.out, "\"reallocs\":2") != NULL);
}

int main(int argc, char **argv) {
  write_tiny_trace();
  static const pb_test tests[] = {
      PB_TEST(figures_match_hand_computed_values),
      PB_TEST(allocator_report_at_peak_and_teardown),
      PB_TEST(syscalls_are_counted_in_the_replay_only),
      PB_TEST(text_output_names_the_figures),
      PB_TEST(bad_input_is_one_clear_line),
      PB_TEST(hostile_slot_count_is_refused),
      PB_TEST(realloc_to_zero_replays_on_glibc),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}

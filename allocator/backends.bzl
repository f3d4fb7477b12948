"""The list of backends, and the macros that make targets from it.

Adding a backend is one line in BACKENDS plus its source file in allocator/.
Everything that differs between backends is declared here, beside the
backend it belongs to: what it links, whether it runs under ASan, whether the
default comparison includes it, which backend ratios are against, which one
the regression gate holds to be the instruction ceiling, and which
parameter sets --sweep compares. Every package that needs a target per
backend calls per_backend(); the harness reads the rest from the generated
registry (allocator/registry.h); nothing else names backends.
"""

load("@rules_cc//cc:defs.bzl", "cc_library")

def _backend(
        name,
        srcs = [],
        deps = [],
        copts = [],
        linkopts = [],
        asan = True,
        compare = True,
        reference = False,
        ceiling = False,
        sweep = [],
        pymalloc = False,
        libc = False,
        preload = "",
        pythonmalloc = "",
        pythonmalloc_threshold = 0,
        tunables = [],
        thread_sets = []):
    """One backend.

    Args:
      name: the backend's name, as users type it (--backends=NAME).
      srcs: its source file(s) in allocator/, implementing allocator.h.
      deps: libraries it is built from (the pool's concept libraries).
      copts: compiler options for its sources (the include directory of a
        system library's headers).
      linkopts: the system library it links (-lmimalloc, ...).
      asan: False when the backend cannot run under AddressSanitizer
        (it replaces or exports malloc, fighting ASan's allocator); nor
        then under ThreadSanitizer, which replaces malloc as well.
      compare: False to leave it out of the default comparison (a debugging
        backend); it can still be named with --backends.
      reference: True for the one backend the comparison's ratios and
        relative charts are against by default (--reference overrides):
        CPython's own pymalloc, what a Python program runs on today. When
        it is not among the backends compared, the first one is.
      ceiling: True for a backend meant to do the least work per call: the
        regression gate fails when its instructions per op are above any
        other backend's on a workload.
      sweep: the parameter sets `benchmarks --sweep` compares side by side
        for this backend, each "name=value[,name=value...]".
      thread_sets: for a backend that runs several threads only as a
        parameter says (the pool: threads=gil or threads=per-thread), the
        sets the comparison runs it with when it compares threaded
        workloads (`benchmarks --threads=...`), side by side; on the
        one-thread workloads they are all the backend as it comes.
      pymalloc: True for a backend that is CPython's own pymalloc, called
        through libpython: pyrun_<backend> then leaves the interpreter's
        allocator in place instead of installing the backend over it with
        PyMem_SetAllocator (which would recurse). Its per_backend targets
        are compiled with PB_BACKEND_IS_PYMALLOC defined.
      libc: True for the C library's own malloc: what a deployed process
        runs on when nothing is preloaded (`benchmarks --suite=deploy`,
        PROCESS of a configuration OBJECT+PROCESS).
      preload: the shared library (in LIBRARY_DIR) a deployment preloads to
        make this allocator the process's malloc (LD_PRELOAD): the same
        Debian library the backend links.
      pythonmalloc: the PYTHONMALLOC value under which CPython itself runs
        its objects on this allocator (a copy bundled in the interpreter,
        3.13 and later), or "" when CPython has none.
      pythonmalloc_threshold: the "Small block threshold" that
        sys._debugmallocstats() prints under that PYTHONMALLOC value: how
        a deployed run checks that it took effect.
      tunables: the environment variables, or prefixes of them ending in
        "_", that tune this allocator in a deployment (a configuration
        file's VAR=VALUE).
    """
    return struct(
        name = name,
        srcs = srcs,
        deps = deps,
        copts = copts,
        linkopts = linkopts,
        asan = asan,
        compare = compare,
        reference = reference,
        ceiling = ceiling,
        sweep = sweep,
        pymalloc = pymalloc,
        libc = libc,
        preload = preload,
        pythonmalloc = pythonmalloc,
        pythonmalloc_threshold = pythonmalloc_threshold,
        tunables = tunables,
        thread_sets = thread_sets,
    )

# Where Debian 12 keeps the libraries a deployment preloads (multiarch).
LIBRARY_DIR = "/usr/lib/x86_64-linux-gnu"

# The configurations `benchmarks --suite=deploy` compares by default,
# OBJECT+PROCESS: the common ways of deploying CPython (PYTHONMALLOC, and the
# process's malloc). One whose PYTHONMALLOC value the interpreter lacks is
# left out for that interpreter.
DEPLOY_DEFAULTS = [
    "pymalloc+glibc",
    "pymalloc+jemalloc",
    "malloc+glibc",
    "malloc+jemalloc",
    "malloc+tcmalloc",
    "malloc+mimalloc",
    "mimalloc+glibc",
    "mimalloc+mimalloc",
]

BACKENDS = [
    _backend("glibc", srcs = ["glibc.c"], libc = True, tunables = ["GLIBC_TUNABLES", "MALLOC_ARENA_MAX", "MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_"]),
    _backend(
        "mimalloc",
        srcs = ["mimalloc.c"],
        linkopts = ["-lmimalloc"],
        asan = False,
        preload = "libmimalloc.so.2",
        pythonmalloc = "mimalloc",
        pythonmalloc_threshold = 16384,
        tunables = ["MIMALLOC_"],
    ),
    _backend(
        "tcmalloc",
        srcs = ["tcmalloc.c"],
        linkopts = ["-ltcmalloc_minimal"],
        asan = False,
        preload = "libtcmalloc_minimal.so.4",
        tunables = ["TCMALLOC_"],
    ),
    _backend(
        "jemalloc",
        srcs = ["jemalloc.c"],
        linkopts = ["-ljemalloc"],
        asan = False,
        preload = "libjemalloc.so.2",
        tunables = ["MALLOC_CONF"],
    ),
    _backend("oracle", srcs = ["oracle.c"], deps = [":oracle_per_thread"], ceiling = True),
    _backend(
        "pool",
        deps = ["//allocator/pool:backend"],
        # CPython 3.11+ (the default), 3.10 (its 48-bit radix tree), 3.8
        # (its sizes and its algorithm), and the larger pools of bpo-37211 in
        # 1 MiB and in 4 MiB arenas (3.11's algorithm).
        sweep = [
            "layout=3.11",
            "layout=3.10",
            "layout=3.8",
            "pool_size=64KiB",
            "arena_size=4MiB,pool_size=64KiB",
        ],
        thread_sets = ["threads=gil", "threads=per-thread"],
    ),
    _backend("pool-debug", deps = ["//allocator/pool:debug_backend"], compare = False),
    # The real pymalloc, from libpython3.11 (Debian's python3-dev; the flags are
    # /usr/bin/python3.11-config --includes and --ldflags --embed).
    _backend(
        "cpython",
        srcs = ["cpython.c"],
        deps = ["//allocator:mallocstats"],
        copts = ["-isystem", "/usr/include/python3.11"],
        linkopts = ["-lpython3.11"],
        # What CPython runs today: the comparison's ratios are against it.
        reference = True,
        pymalloc = True,
    ),
]

BACKEND_NAMES = [b.name for b in BACKENDS]

def backend_libraries():
    """In allocator/BUILD: one cc_library per backend, named after it."""
    for b in BACKENDS:
        cc_library(
            name = b.name,
            srcs = b.srcs,
            copts = b.copts,
            linkopts = b.linkopts,
            deps = [":interface"] + b.deps,
            visibility = [
                "//allocator:__subpackages__",
                "//harness:__subpackages__",
                "//python:__subpackages__",
            ],
        )

def per_backend(rule, name, deps = [], tags = [], local_defines = [], **kwargs):
    """Instantiates rule (a cc_* rule) once per backend, as
    name.format(backend=...).

    Each instance depends on its backend's library, carries the tags no_asan
    and no_tsan where the backend cannot run under AddressSanitizer or
    ThreadSanitizer (both replace malloc), and is compiled with
    PB_BACKEND_IS_PYMALLOC defined where the backend declares pymalloc.
    """
    for b in BACKENDS:
        rule(
            name = name.format(backend = b.name),
            deps = deps + ["//allocator:" + b.name],
            tags = tags + ([] if b.asan else ["no_asan", "no_tsan"]),
            local_defines = local_defines + (["PB_BACKEND_IS_PYMALLOC"] if b.pymalloc else []),
            **kwargs
        )

def _c_string(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')

def _registry_source_impl(ctx):
    lines = [
        "/* Generated from allocator/backends.bzl by backend_registry(): edit",
        " * that file, not this one. */",
        '#include "allocator/registry.h"',
        "",
        "const pb_backend_entry pb_backend_registry[] = {",
    ]
    for b in BACKENDS:
        sweep = "NULL"
        if b.sweep:
            sweep = "(const char *const[]){%s, NULL}" % ", ".join([_c_string(s) for s in b.sweep])
        tunables = "(const char *const[]){%s}" % ", ".join([_c_string(t) for t in b.tunables] + ["NULL"])
        thread_sets = "NULL"
        if b.thread_sets:
            thread_sets = "(const char *const[]){%s, NULL}" % ", ".join([_c_string(s) for s in b.thread_sets])
        lines.append("    {%s, %d, %d, %d, %d, %s, %d, %s, %s, %d, %s, %s}," % (
            _c_string(b.name),
            1 if b.compare else 0,
            1 if b.reference else 0,
            1 if b.ceiling else 0,
            1 if b.pymalloc else 0,
            sweep,
            1 if b.libc else 0,
            _c_string(LIBRARY_DIR + "/" + b.preload) if b.preload else "NULL",
            _c_string(b.pythonmalloc) if b.pythonmalloc else "NULL",
            b.pythonmalloc_threshold,
            tunables,
            thread_sets,
        ))
    lines.append("    {NULL, 0, 0, 0, 0, NULL, 0, NULL, NULL, 0, NULL, NULL},")
    lines.append("};")
    lines.append("")
    lines.append("const char *const pb_deploy_defaults[] = {%s};" % ", ".join([_c_string(d) for d in DEPLOY_DEFAULTS] + ["NULL"]))
    ctx.actions.write(ctx.outputs.out, "\n".join(lines) + "\n")

_registry_source = rule(
    implementation = _registry_source_impl,
    attrs = {"out": attr.output(mandatory = True)},
)

def backend_registry(name):
    """In allocator/BUILD: the cc_library behind allocator/registry.h."""
    references = [b.name for b in BACKENDS if b.reference]
    if len(references) != 1:
        fail("exactly one backend in BACKENDS must have reference = True, not %s" % references)
    _registry_source(name = name + "_source", out = name + "_table.c")
    cc_library(
        name = name,
        srcs = ["registry.c", name + "_table.c"],
        hdrs = ["registry.h"],
        visibility = ["//harness:__subpackages__"],
    )

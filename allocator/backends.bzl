"""The list of backends, and the macro that makes one target per backend.

Adding a backend is one line in BACKENDS plus its source file in allocator/.
Every package that needs a target per backend (the conformance tests, the
benchmark runners) calls per_backend(); nothing else names backends.
"""

load("@rules_cc//cc:defs.bzl", "cc_library")

def _backend(name, srcs = [], deps = [], copts = [], linkopts = [], asan = True, compare = True):
    """One backend.

    Args:
      name: the backend's name, as users type it (--backends=NAME).
      srcs: its source file(s) in allocator/, implementing allocator.h.
      deps: libraries it is built from (the pool's concept libraries).
      copts: compiler options for its sources (the include directory of a
        system library's headers).
      linkopts: the system library it links (-lmimalloc, ...).
      asan: False when the backend cannot run under AddressSanitizer
        (it replaces or exports malloc, fighting ASan's allocator).
      compare: False to leave it out of the default comparison (a debugging
        backend); it can still be named with --backends.
    """
    return struct(
        name = name,
        srcs = srcs,
        deps = deps,
        copts = copts,
        linkopts = linkopts,
        asan = asan,
        compare = compare,
    )

BACKENDS = [
    _backend("glibc", srcs = ["glibc.c"]),
    _backend("mimalloc", srcs = ["mimalloc.c"], linkopts = ["-lmimalloc"], asan = False),
    _backend("tcmalloc", srcs = ["tcmalloc.c"], linkopts = ["-ltcmalloc_minimal"], asan = False),
    _backend("jemalloc", srcs = ["jemalloc.c"], linkopts = ["-ljemalloc"], asan = False),
    _backend("oracle", srcs = ["oracle.c"]),
    _backend("pool", deps = ["//allocator/pool:backend"]),
    _backend("pool-debug", deps = ["//allocator/pool:debug_backend"], compare = False),
    # The real pymalloc, from libpython3.11 (Debian's python3-dev; the flags are
    # /usr/bin/python3.11-config --includes and --ldflags --embed).
    _backend(
        "cpython",
        srcs = ["cpython.c"],
        deps = ["//allocator:mallocstats"],
        copts = ["-isystem", "/usr/include/python3.11"],
        linkopts = ["-lpython3.11"],
    ),
]

BACKEND_NAMES = [b.name for b in BACKENDS]

DEFAULT_BACKEND_NAMES = [b.name for b in BACKENDS if b.compare]

def backend_libraries():
    """In allocator/BUILD: one cc_library per backend, named after it."""
    for b in BACKENDS:
        cc_library(
            name = b.name,
            srcs = b.srcs,
            copts = b.copts,
            linkopts = b.linkopts,
            deps = [":interface"] + b.deps,
            visibility = ["//allocator:__subpackages__", "//harness:__subpackages__"],
        )

def per_backend(rule, name, deps = [], tags = [], **kwargs):
    """Instantiates rule once per backend, as name.format(backend=...).

    Each instance depends on its backend's library and carries the tag
    no_asan where the backend cannot run under AddressSanitizer.
    """
    for b in BACKENDS:
        rule(
            name = name.format(backend = b.name),
            deps = deps + ["//allocator:" + b.name],
            tags = tags + ([] if b.asan else ["no_asan"]),
            **kwargs
        )

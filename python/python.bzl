"""How poolbench builds against Debian's CPython 3.11 (python3-dev).

The python3 and python3.11-config on PATH may be another build (pyenv); the
interpreter poolbench embeds is Debian's libpython3.11, whose headers are in
/usr/include/python3.11 and whose standard library is /usr/lib/python3.11.
"""

load("//allocator:backends.bzl", "BACKENDS")

PYTHON_COPTS = ["-isystem", "/usr/include/python3.11"]
PYTHON_LINKOPTS = ["-lpython3.11"]

def pyrun_tests(name, backends):
    """One sh_test per named backend: its pyrun_<backend> against python3.

    Tagged no_asan where the backend cannot run under AddressSanitizer;
    told whether the backend is CPython's pymalloc (allocator/backends.bzl).
    """
    for b in BACKENDS:
        if b.name not in backends:
            continue
        native.sh_test(
            name = name.format(backend = b.name),
            size = "small",
            srcs = ["pyrun_test.sh"],
            args = [
                "$(location :pyrun_%s)" % b.name,
                "pymalloc" if b.pymalloc else "backend",
            ],
            data = [":pyrun_" + b.name, ":spawn_pool_test_program.py"],
            deps = ["//testing:expect"],
            tags = [] if b.asan else ["no_asan"],
        )

"""The deploy suite's probe: runs a Python program as `python PROGRAM ARGS`
would, then reports which allocators it ran on (harness/comparison/deploy.h).

    python deploy_probe.py FD PROGRAM [ARG ...]

Once the program is done (returned, sys.exit, or an uncaught exception),
writes one JSON object to file descriptor FD:

    small_block_threshold  the "Small block threshold = N" that
                           sys._debugmallocstats() prints first (pymalloc:
                           512; 3.13's mimalloc: 16384), or null when it
                           prints none (PYTHONMALLOC=malloc)
    allocated_blocks       sys.getallocatedblocks(): 0 under malloc
    mapped                 the files mapped in the process (/proc/self/maps)
    malloc, libc           the files holding the malloc the process calls
                           and the C library's gnu_get_libc_version; null
                           (with malloc_error) when ctypes cannot tell

The driver judges them against the configuration. Everything the probe
imports is imported after the program ran, so that the program starts as it
would alone (sys.path[0] its directory, sys.argv its own).
"""
import sys


def report(fd):
    import json
    import os
    import re
    import tempfile

    # _debugmallocstats writes to the C library's stderr: catch fd 2.
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as f:
        os.dup2(f.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        f.seek(0)
        first = f.readline().decode("ascii", "replace")
    match = re.match(r"Small block threshold = (\d+)", first)
    maps = []
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split(None, 5)
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            path = parts[5].strip() if len(parts) == 6 else ""
            maps.append((lo, hi, path))

    def file_of(address):
        for lo, hi, path in maps:
            if lo <= address < hi:
                return path
        return None

    out = {
        "small_block_threshold": int(match.group(1)) if match else None,
        "allocated_blocks": sys.getallocatedblocks(),
        "mapped": sorted({p for _, _, p in maps if p.startswith("/")}),
        "malloc": None,
        "libc": None,
    }
    try:
        out["malloc"], out["libc"] = definers(file_of)
    except Exception as e:  # no ctypes in this build: said, not guessed
        out["malloc_error"] = "%s: %s" % (type(e).__name__, e)
    data = json.dumps(out).encode()
    while data:
        data = data[os.write(fd, data):]


def definers(file_of):
    """The files of the malloc the process calls and of the C library.

    Not dlsym(RTLD_DEFAULT, "malloc"): a non-PIE executable (Debian's
    python3.11) that takes malloc's address holds a canonical PLT entry,
    which that lookup returns. The process's malloc is the first object in
    the global scope's order (dl_iterate_phdr's: the executable, the
    preloaded libraries, then the others) that defines it itself."""
    import ctypes
    import os

    class Info(ctypes.Structure):
        _fields_ = [("addr", ctypes.c_void_p), ("name", ctypes.c_char_p)]

    callback = ctypes.CFUNCTYPE(
        ctypes.c_int, ctypes.POINTER(Info), ctypes.c_size_t, ctypes.c_void_p
    )
    names = []

    def each(info, size, data):
        names.append(info.contents.name or b"")
        return 0

    scope = ctypes.CDLL(None)
    scope.dl_iterate_phdr(callback(each), None)
    address = ctypes.cast(scope.gnu_get_libc_version, ctypes.c_void_p).value
    libc = file_of(address)
    for name in names[1:]:
        path = os.fsdecode(name)
        try:
            lib = ctypes.CDLL(path, mode=os.RTLD_NOLOAD | os.RTLD_LAZY)
            address = ctypes.cast(lib.malloc, ctypes.c_void_p).value
        except (OSError, AttributeError):
            continue
        where = file_of(address)
        if where == os.path.realpath(path):
            return where, libc
    return None, libc


def main():
    fd = int(sys.argv[1])
    sys.argv = sys.argv[2:]
    import os
    import runpy

    sys.path[0] = os.path.dirname(os.path.abspath(sys.argv[0]))
    try:
        runpy.run_path(sys.argv[0], run_name="__main__")
    finally:
        report(fd)


main()

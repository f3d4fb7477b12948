"""The command line every workload script takes: [SCALE [SEED]], and the
threaded ones [SCALE [SEED [THREADS]]].

SCALE means what --scale means for the synthetic workload of the same name
(1 is the standard size); SEED seeds the script's random choices.
"""
import sys


def scale_and_seed(argv=None):
    """(scale, seed) from argv, or one line on stderr and exit status 2."""
    argv = sys.argv if argv is None else argv
    name = argv[0].rpartition("/")[2]
    try:
        if len(argv) > 3:
            raise ValueError
        scale = float(argv[1]) if len(argv) > 1 else 1.0
        seed = int(argv[2]) if len(argv) > 2 else 1
        if not 0 < scale <= 100 or seed < 0:
            raise ValueError
    except ValueError:
        print(f"usage: {name} [SCALE [SEED]] (0 < SCALE <= 100, SEED >= 0)",
              file=sys.stderr)
        sys.exit(2)
    return scale, seed


def scale_seed_threads(argv=None):
    """(scale, seed, threads) from argv (threads 1..16, default 2), or one
    line on stderr and exit status 2."""
    argv = sys.argv if argv is None else argv
    name = argv[0].rpartition("/")[2]
    try:
        if len(argv) > 4:
            raise ValueError
        threads = int(argv[3]) if len(argv) > 3 else 2
        if not 1 <= threads <= 16:
            raise ValueError
    except ValueError:
        print(f"usage: {name} [SCALE [SEED [THREADS]]] (0 < SCALE <= 100, "
              "SEED >= 0, 1 <= THREADS <= 16)", file=sys.stderr)
        sys.exit(2)
    scale, seed = scale_and_seed(argv[:3])
    return scale, seed, threads

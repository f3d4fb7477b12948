"""pinning: many small objects, 99% freed at random, then other sizes.

The program behind the synthetic workload in workloads/pinning.c, which
turns each step below into the allocations CPython 3.11 makes for it.

    python3 pinning.py [SCALE [SEED]]    # SCALE 1: 1,000,000 rows
"""
import random

from command_line import scale_and_seed


def main(scale=1.0, seed=1):
    rng = random.Random(seed)
    n = max(1, round(1000000 * scale))
    start = 1000000 + rng.randrange(1000000)
    rows = [(i, str(i)) for i in range(start, start + n)]
    survivors = [row for row in rows if rng.random() < 0.01]
    del rows  # 99% die; 1% stay, scattered over pools
    texts = ["x" * rng.randint(100, 400) for _ in range(max(1, n // 2))]
    total = sum(map(len, texts))
    del texts
    kept = len(survivors)
    del survivors
    print(kept, total)


if __name__ == "__main__":
    main(*scale_and_seed())

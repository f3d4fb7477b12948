"""ints: arithmetic churn on Python ints.

The program behind the synthetic workload in workloads/ints.c, which turns
each line below into the allocations CPython 3.11 makes for it.

    python3 ints.py [SCALE [SEED]]      # SCALE 1: 300,000 iterations
"""
import random

from command_line import scale_and_seed


def churn(n, a, b, h, start):
    keep = []
    total = 0
    for i in range(start, start + n):
        x = i * a + b
        total += x * x % 1000003
        h = (h * 1000003 ^ x) & 0xFFFFFFFFFFFFFFFF
        if h >> 56 == 0:
            keep.append(h)
    return total


def main(scale=1.0, seed=1):
    rng = random.Random(seed)
    n = max(1, round(300000 * scale))
    a = rng.randint(3, 999)
    b = rng.randint(0, 999)
    start = 257 + rng.randrange(1 << 20)
    h = rng.getrandbits(64)
    print(churn(n, a, b, h, start))


if __name__ == "__main__":
    main(*scale_and_seed())

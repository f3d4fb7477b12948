"""lists: lists built by append, then shrunk, cleared or dropped.

The program behind the synthetic workload in workloads/lists.c, which turns
each step below into the allocations CPython 3.11 makes for it.

    python3 lists.py [SCALE [SEED]]      # SCALE 1: 1,600,000 appends
"""
import random

from command_line import scale_and_seed


def length(rng):
    """Mostly short lists, some long, a few very long."""
    r = rng.randrange(100)
    if r < 70:
        return rng.randint(1, 16)
    if r < 90:
        return rng.randint(17, 200)
    if r < 99:
        return rng.randint(201, 2000)
    return rng.randint(2001, 20000)


def main(scale=1.0, seed=1):
    rng = random.Random(seed)
    budget = max(1, round(1600000 * scale))  # items appended in all
    appended = 0
    recent = []
    while appended < budget:
        cols = [[] for _ in range(rng.randint(1, 8))]
        base = rng.randrange(1000, 10**9)
        room = -(-(budget - appended) // len(cols))
        n = min(length(rng), room)
        for i in range(n):
            for c, col in enumerate(cols):
                col.append((base + i, c) if c % 2 == 0 else base + i)
        appended += n * len(cols)
        for col in cols:
            r = rng.random()
            if r < 0.2:
                while len(col) > 2:
                    col.pop()  # shrinks step by step
            elif r < 0.3:
                del col[len(col) // 4:]  # one shrink
            elif r < 0.4:
                col.clear()
        recent.append(cols)
        if len(recent) > 4:
            del recent[0]  # the oldest group dies
    print(appended, sum(len(col) for cols in recent for col in cols))


if __name__ == "__main__":
    main(*scale_and_seed())

"""parallel-churn: every thread its own ints- and tuples-like churn.

The program behind the synthetic workload in workloads/parallel_churn.c,
which turns each line of work() into the allocations CPython makes for it,
on the thread that runs it.

    python3 parallel_churn.py [SCALE [SEED [THREADS]]]
        # SCALE 1: 400,000 iterations split between THREADS (default 2)
"""
import random
import threading

from command_line import scale_seed_threads


def work(n, a, b, start):
    keep = []
    total = 0
    for i in range(start, start + n):
        item = (i * a + b, i * 0.5)
        total += item[0] % 1000003
        if i % 64 == 0:
            keep.append(item)
            if len(keep) == 256:
                keep.clear()
    return total


def main(scale=1.0, seed=1, threads=2):
    rng = random.Random(seed)
    n = max(1, round(400000 * scale))
    totals = [0] * threads

    def run(k, a, b, start):
        totals[k] = work(n // threads + (k < n % threads), a, b, start)

    workers = [threading.Thread(target=run, args=(k, rng.randint(3, 999),
                                                 rng.randint(0, 999),
                                                 257 + rng.randrange(1 << 20)))
               for k in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    print(sum(totals))


if __name__ == "__main__":
    main(*scale_seed_threads())

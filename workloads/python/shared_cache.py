"""shared-cache: threads read and replace entries of a shared dict.

The program behind the synthetic workload in workloads/shared_cache.c: the
main thread fills a long-lived dict; then THREADS threads take the events
in turn, reading entries and replacing one in four, so a value usually dies
on another thread than the one that made it.

    python3 shared_cache.py [SCALE [SEED [THREADS]]]
        # SCALE 1: 4,000 entries, 400,000 events; THREADS default 2
"""
import random
import threading

from command_line import scale_seed_threads


def work(cache, events):
    total = 0
    for index, stamp, replace in events:
        key = "k" + str(index)
        if replace:
            cache[key] = (stamp, str(stamp))
        else:
            total += cache[key][0]
    return total


def main(scale=1.0, seed=1, threads=2):
    rng = random.Random(seed)
    entries = max(16, round(4000 * scale))
    n = max(1, round(400000 * scale))
    events = [(rng.randrange(entries), 2000000 + e, rng.randrange(100) < 25)
              for e in range(n)]
    cache = {}
    for k in range(entries):
        cache["k" + str(k)] = (1000000 + k, str(1000000 + k))
    totals = [0] * threads

    def run(k):
        totals[k] = work(cache, events[k::threads])

    workers = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    print(sum(totals))


if __name__ == "__main__":
    main(*scale_seed_threads())

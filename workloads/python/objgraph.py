"""objgraph: a JSON feed parsed into a graph of dicts, lists and strs, kept,
then dropped; three times.

The program behind the synthetic workload in workloads/objgraph.c, which
turns each step below into the allocations CPython 3.11 makes for it.

    python3 objgraph.py [SCALE [SEED]]   # SCALE 1: 54,000 documents a cycle

The feed is a sample of FEED distinct documents, one JSON text each, made at
start-up and read in turn. Cycle 1 drops the records in random order, the
others in the order they were read.
"""
import json
import random
import string

from command_line import scale_and_seed

CYCLES = 3
FEED = 1000


def text(rng, low, high):
    return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(low, high)))


def document(rng):
    doc = {
        "id": rng.randint(100000, 2000000000),
        "name": text(rng, 6, 20),
        "email": text(rng, 12, 40),
        "score": rng.random(),
        "active": rng.random() < 0.5,
        "tags": [text(rng, 3, 12) for _ in range(rng.randrange(9))],
        "pos": [rng.uniform(-100, 100) for _ in range(rng.randint(2, 3))],
        "history": [{"t": rng.randint(1600000000, 1700000000),
                     "v": rng.random()} for _ in range(rng.randrange(17))],
        "meta": {"source": text(rng, 4, 10), "version": rng.randint(1, 20),
                 "flags": [rng.randint(0, 255) for _ in range(rng.randrange(5))]},
    }
    if rng.random() < 0.2:
        doc["bio"] = text(rng, 200, 5000)
    if rng.random() < 0.03:
        doc["blob"] = [rng.randint(1000000, 10**12)
                       for _ in range(rng.randint(100, 1500))]
    return json.dumps(doc)


def main(scale=1.0, seed=1):
    rng = random.Random(seed)
    n = max(1, round(54000 * scale))
    lines = [document(rng) for _ in range(min(n, FEED))]
    for cycle in range(CYCLES):
        records = []
        for k in range(n):
            records.append(json.loads(lines[k % len(lines)]))
        if cycle == 1:  # random order
            order = list(range(len(records)))
            rng.shuffle(order)
            for i in order:
                records[i] = None
            del order
        else:  # creation order
            for i in range(len(records)):
                records[i] = None
        del records
    print(n * CYCLES)


if __name__ == "__main__":
    main(*scale_and_seed())

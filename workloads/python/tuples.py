"""tuples: fixed-size binary records unpacked into tuples of 0..10 fields.

The program behind the synthetic workload in workloads/tuples.c, which turns
each step below into the allocations CPython 3.11 makes for it.

    python3 tuples.py [SCALE [SEED]]     # SCALE 1: 600,000 records

Each 80-byte record holds up to ten 8-byte fields. A record's layout is one
of 64 struct formats drawn at start-up: each field a double, a small count
(one byte, a cached int), an id (two bytes) or a timestamp (below 2**48).
"""
import random
import struct

from command_line import scale_and_seed

RECORD = 80
FIELDS = ("d", "B7x", "H6x", "Q")  # double, count, id, timestamp
WEIGHTS = (3, 3, 3, 1)


def layouts(rng, count):
    formats = []
    for _ in range(count):
        codes = rng.choices(FIELDS, WEIGHTS, k=rng.randint(0, 10))
        pad = "8x" * (10 - len(codes))
        formats.append(struct.Struct("<" + "".join(codes) + pad))
    return formats


def records(rng, count):
    data = bytearray(rng.randbytes(RECORD * count))
    # The top two bytes of every field are zero: timestamps below 2**48.
    for byte in (6, 7):
        data[byte::8] = bytes(len(data) // 8)
    return data


def main(scale=1.0, seed=1):
    rng = random.Random(seed)
    remaining = max(1, round(600000 * scale))
    formats = layouts(rng, 64)
    data = records(rng, remaining)
    keep = []
    previous = []
    offset = 0
    while remaining > 0:
        size = min(rng.randint(20000, 60000), remaining)
        remaining -= size
        rows = []
        for _ in range(size):
            row = formats[rng.randrange(64)].unpack_from(data, offset)
            offset += RECORD
            if row and rng.random() < 0.25:
                continue  # dropped: dies when the next row is unpacked
            rows.append(row)
            if rng.random() < 0.01:
                keep.append(row)  # long-lived
        previous = rows  # the batch before dies now
    print(len(keep), len(previous))


if __name__ == "__main__":
    main(*scale_and_seed())

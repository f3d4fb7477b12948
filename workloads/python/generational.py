"""generational: a request loop with a slowly growing cache.

The program behind the synthetic workload in workloads/generational.c,
which turns each step below into the allocations CPython 3.11 makes for it.

    python3 generational.py [SCALE [SEED]]   # SCALE 1: 170,000 requests
"""
import random

from command_line import scale_and_seed


def render(req, parts, rng):
    """A response body of 100..400 characters, built from three pieces."""
    pieces = [req["user"] * (rng.randint(20, 60) // len(req["user"]) + 1),
              "/".join(parts),
              str(req["score"]) * 4]
    return "".join(pieces).ljust(rng.randint(100, 400), ".")[:400]


def main(scale=1.0, seed=1):
    rng = random.Random(seed)
    n = max(1, round(170000 * scale))
    first = 1000000 + rng.randrange(8000000)
    cache = {}
    for step in range(first, first + n):
        req = {"id": step, "user": f"user{step % 9973}",
               "path": f"/api/items/{step}", "score": step * 0.5,
               "tags": ["new", "web"]}
        parts = req["path"].split("/")
        body = render(req, parts, rng)
        resp = (step, body)
        if step % 8 == 0:
            cache[step] = (req["user"], body, step * 0.25)
        if step % 2048 == 0:
            for _ in range(64):
                del cache[next(iter(cache))]  # the oldest entries go
    print(len(cache), len(resp[1]))


if __name__ == "__main__":
    main(*scale_and_seed())

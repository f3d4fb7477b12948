"""producer-consumer: producers build objects, consumers drop them.

The program behind the synthetic workload in workloads/producer_consumer.c:
the first THREADS // 2 threads (at least one) produce tuples, dicts, strs
and lists and put them on bounded queues; the others take and drop them,
so every object dies on a thread other than the one that made it.

    python3 producer_consumer.py [SCALE [SEED [THREADS]]]
        # SCALE 1: 200,000 objects; THREADS default 2
"""
import queue
import random
import threading

from command_line import scale_seed_threads


def produce(queues, n, first):
    for j, i in enumerate(range(first, first + n)):
        kind = i % 4
        if kind == 0:
            obj = (i, str(i))
        elif kind == 1:
            obj = {"id": i, "name": str(i)}
        elif kind == 2:
            obj = str(i) * 3
        else:
            obj = [i, i + 1, i + 2]
        queues[j % len(queues)].put(obj)


def consume(q, n, totals, k):
    total = 0
    for _ in range(n):
        total += len(q.get())
    totals[k] = total


def main(scale=1.0, seed=1, threads=2):
    rng = random.Random(seed)
    n = max(1, round(200000 * scale))
    producers = max(1, threads // 2)
    consumers = max(1, threads - producers)
    first = 1000 + rng.randrange(1 << 20)
    queues = [queue.Queue(16) for _ in range(consumers)]
    shares = [n // producers + (p < n % producers) for p in range(producers)]
    expected = [0] * consumers
    for share in shares:
        for j in range(share):
            expected[j % consumers] += 1
    totals = [0] * consumers
    workers = [threading.Thread(target=produce,
                                args=(queues, shares[p], first + p * (n + 1)))
               for p in range(producers)]
    workers += [threading.Thread(target=consume,
                                 args=(queues[k], expected[k], totals, k))
                for k in range(consumers)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    print(sum(totals))


if __name__ == "__main__":
    main(*scale_seed_threads())

"""Writes the inputs of the memory reference run's standard-library programs
(results/reference/memory/README.md): DIR/data.json, 20,000 records of
nested lists, dicts, strings and floats (3.3 MB), and DIR/data.pickle, the
first 3,000 of them pickled.

    python3 results/reference/memory/make_inputs.py /tmp/unseen
"""
import json
import pickle
import random
import sys


def records(count):
    rng = random.Random(7)
    return [
        {
            "id": i,
            "name": "user%d" % i,
            "tags": ["t%d" % (i % 13), "x" * (i % 40)],
            "score": rng.random(),
            "nested": {"a": [i, i + 1, i + 2], "b": str(i) * 3},
        }
        for i in range(count)
    ]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_inputs.py DIR")
    data = records(20000)
    with open(sys.argv[1] + "/data.json", "w") as f:
        json.dump(data, f)
    with open(sys.argv[1] + "/data.pickle", "wb") as f:
        pickle.dump(data[:3000], f)


main()

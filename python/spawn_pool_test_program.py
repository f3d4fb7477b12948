"""A pool of worker processes started with spawn: each worker is a fresh
sys.executable. pyrun_test and pytrace_test run it under pyrun and
pytrace; it prints [2, 4, 6]."""
import multiprocessing


def double(x):
    return 2 * x


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    with multiprocessing.Pool(2) as pool:
        print(pool.map(double, [1, 2, 3]))

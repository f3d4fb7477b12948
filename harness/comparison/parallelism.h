/* What this machine gives threads that share nothing: the speedup of a
 * loop that touches no memory and takes no lock, run by N threads each
 * doing the work one thread does alone (N times the work), over that one
 * thread. A perfectly parallel workload reaches it and no allocator can do
 * better; on a machine whose cores are its own it is N up to the core
 * count. On these 2-vCPU virtual machines it is not: two threads got 1.29x
 * in one run and 1.98x in the next, as the host's other guests came and
 * went. So the comparison measures it once per repetition, just before
 * each threaded workload's runs, and the scaling table (matrix/scaling.h)
 * puts the median beside every speedup, so that an allocator's is read
 * against what was there to be had. */
#ifndef POOLBENCH_HARNESS_COMPARISON_PARALLELISM_H
#define POOLBENCH_HARNESS_COMPARISON_PARALLELISM_H

/* threads * t1 / tN, from one thread's run and then `threads`' (about
 * (threads + 1) * 10 ms); 1 for one thread; NAN when a thread cannot be
 * started. */
double pb_parallel_speedup(unsigned threads);

#endif /* POOLBENCH_HARNESS_COMPARISON_PARALLELISM_H */

/* Kendall's rank correlation: how far two rankings of the same items agree.
 *
 * Every pair of items is concordant (both rankings order it the same way),
 * discordant (they order it oppositely) or tied in one ranking or both.
 * tau_b (Kendall, "The treatment of ties in ranking problems", Biometrika
 * 33(3), 1945) is
 *
 *   tau_b = (C - D) / sqrt((P - Tx) (P - Ty))
 *
 * with C and D the concordant and discordant pairs, P all pairs and Tx, Ty
 * the pairs tied in each ranking. Without ties it is Kendall's tau,
 * (C - D) / P: 1 for the same order, -1 for the reverse; one swapped pair
 * of five items gives 0.8. It is SciPy's kendalltau (variant "b").
 *
 * Ties need not come from equal values: a pair can be declared tied because
 * the two measurements cannot be told apart (their confidence intervals
 * overlap), which pb_kendall_pairs takes as given, pair by pair. */
#ifndef POOLBENCH_HARNESS_STATISTICS_KENDALL_H
#define POOLBENCH_HARNESS_STATISTICS_KENDALL_H

#include <stddef.h>

typedef struct pb_kendall {
  size_t pairs;
  size_t concordant, discordant;
  size_t tied_x, tied_y; /* tied in that ranking (pairs tied in both count
                            in each) */
  double tau_b;          /* NaN when a ranking ties every pair, or n < 2 */
} pb_kendall;

/* The order of each pair in two rankings: for the k-th pair,
 * sx[k] and sy[k] are -1, 0 (tied) or +1. */
pb_kendall pb_kendall_pairs(const signed char *sx, const signed char *sy,
                            size_t npairs);

/* tau_b of two samples of n paired values, ties where values are equal.
 * Pairs are (i, j) for i < j in index order. */
pb_kendall pb_kendall_tau(const double *x, const double *y, size_t n);

/* Number of pairs of n items, and the index of pair (i, j), i < j < n, in
 * the order pb_kendall_tau uses. */
size_t pb_kendall_npairs(size_t n);
size_t pb_kendall_pair_index(size_t i, size_t j, size_t n);

#endif /* POOLBENCH_HARNESS_STATISTICS_KENDALL_H */

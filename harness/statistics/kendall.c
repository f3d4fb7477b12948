#include "harness/statistics/kendall.h"

#include <math.h>
#include <stdlib.h>

size_t pb_kendall_npairs(size_t n) { return n < 2 ? 0 : n * (n - 1) / 2; }

size_t pb_kendall_pair_index(size_t i, size_t j, size_t n) {
  /* Pairs (0,1) .. (0,n-1), then (1,2) .. : i rows of shrinking length. */
  return i * n - i * (i + 1) / 2 + (j - i - 1);
}

pb_kendall pb_kendall_pairs(const signed char *sx, const signed char *sy,
                            size_t npairs) {
  pb_kendall k = {.pairs = npairs};
  for (size_t p = 0; p < npairs; p++) {
    if (sx[p] == 0) k.tied_x++;
    if (sy[p] == 0) k.tied_y++;
    if (sx[p] == 0 || sy[p] == 0) continue;
    if (sx[p] == sy[p])
      k.concordant++;
    else
      k.discordant++;
  }
  double denominator =
      sqrt((double)(npairs - k.tied_x) * (double)(npairs - k.tied_y));
  k.tau_b = denominator > 0
                ? ((double)k.concordant - (double)k.discordant) / denominator
                : NAN;
  return k;
}

static signed char sign(double a, double b) { return (a > b) - (a < b); }

pb_kendall pb_kendall_tau(const double *x, const double *y, size_t n) {
  size_t npairs = pb_kendall_npairs(n);
  signed char *sx = malloc(npairs ? 2 * npairs : 1);
  if (!sx) return (pb_kendall){.tau_b = NAN};
  signed char *sy = sx + npairs;
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++) {
      size_t p = pb_kendall_pair_index(i, j, n);
      sx[p] = sign(x[i], x[j]);
      sy[p] = sign(y[i], y[j]);
    }
  pb_kendall k = pb_kendall_pairs(sx, sy, npairs);
  free(sx);
  return k;
}

// The affine sum a = Σ_l θ_l A_l of the small-order kernels (romkit_affine_sum, and inside
// romkit_online_query), written once for both.
#ifndef ROMKIT_AFFINE_SUM_H
#define ROMKIT_AFFINE_SUM_H

#include "vector_support.h"

// Column j from its aligned row at or above the diagonal: the lower triangle and the scratch
// the factorization may read. Four terms per pass, summed in registers: one store per vector.
static inline __attribute__((always_inline)) void affine_sum(const double *ops, const double *theta, int q, int n, int ld, double *a) {
#pragma clang fp contract(fast)
    long entries = (long)n * ld;
    for (int j = 0; j < n; j++) {
        long start = (long)j * ld + (j & ~3), end = (long)(j + 1) * ld;
        if (q <= 0) {
            for (long i = start; i < end; i++) a[i] = 0;
            continue;
        }
        for (int l = 0; l < q; l += 4) {
            int terms = q - l < 4 ? q - l : 4;
            const double *o0 = ops + l * entries;
            const double *o1 = terms > 1 ? o0 + entries : o0, *o2 = terms > 2 ? o0 + 2 * entries : o0, *o3 = terms > 3 ? o0 + 3 * entries : o0;
            double t0 = theta[l], t1 = terms > 1 ? theta[l + 1] : 0, t2 = terms > 2 ? theta[l + 2] : 0, t3 = terms > 3 ? theta[l + 3] : 0;
            for (long i = start; i < end; i += 4) {
                v4 sum = t0 * LOAD(o0 + i) + t1 * LOAD(o1 + i) + t2 * LOAD(o2 + i) + t3 * LOAD(o3 + i);
                STORE(a + i, l == 0 ? sum : LOAD(a + i) + sum);
            }
        }
    }
}

#endif

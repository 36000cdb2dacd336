// The lazy rank-one corrections of the EIM greedy's residuals (Sources/EIM/ResidualKernels.swift),
// for several columns of one tile of points at once: the basis panel is read from memory once for
// all of them and each column's rows stay in L1 while its terms are subtracted.
// No contraction into FMA: a tile brought up to date here equals, bit for bit, the same terms
// subtracted elsewhere (FarFieldResidualStore.residualRow), whatever thread did it first.
#include "small_kernels.h"
#include "vector_support.h"

#pragma clang fp contract(off)

// Rows per pass: a column's chunk (2 KB) and four basis chunks stay in L1 between the terms.
enum { CHUNK = 256 };

typedef long long v4l __attribute__((vector_size(32), aligned(8)));

// yes where the mask is set, no elsewhere (a comparison's all-ones or zero lanes).
#define SELECT_WHERE(mask, yes, no) ((v4)((((v4l)(yes)) & (mask)) | (((v4l)(no)) & ~(mask))))

// Rows i…i+3 less four terms, one by one in their order (c0…c3, q0…q3 in scope).
#define FOUR_TERMS(i) ((((LOAD(r + (i)) - c0 * LOAD(q0 + (i))) - c1 * LOAD(q1 + (i))) - c2 * LOAD(q2 + (i))) - c3 * LOAD(q3 + (i)))

// Rows [0, len) of one column: r −= Σ_{k=start}^{end−1} c[k] q_k (q_k = q + k·n), four terms per
// pass, the last one to four terms fused with the extremes, merged into *low and *high.
static inline __attribute__((always_inline)) void update_chunk(double *r, int len, const double *q, long n, const double *c,
                                                               int start, int end, double *low, double *high) {
    int k = start;
    while (end - k > 4) {
        const double *q0 = q + (long)k * n, *q1 = q0 + n, *q2 = q1 + n, *q3 = q2 + n;
        double c0 = c[k], c1 = c[k + 1], c2 = c[k + 2], c3 = c[k + 3];
        int i = 0;
        for (; i + 4 <= len; i += 4) STORE(r + i, FOUR_TERMS(i));
        for (; i < len; i++) r[i] = (((r[i] - c0 * q0[i]) - c1 * q1[i]) - c2 * q2[i]) - c3 * q3[i];
        k += 4;
    }
    int left = end - k;
    // A missing term subtracts 0 · q0 (exact); with no term at all only the extremes are taken.
    const double *q0 = left > 0 ? q + (long)k * n : r;
    const double *q1 = left > 1 ? q0 + n : q0, *q2 = left > 2 ? q0 + 2 * n : q0, *q3 = left > 3 ? q0 + 3 * n : q0;
    double c0 = left > 0 ? c[k] : 0, c1 = left > 1 ? c[k + 1] : 0, c2 = left > 2 ? c[k + 2] : 0, c3 = left > 3 ? c[k + 3] : 0;
    v4 hi = {-__builtin_inf(), -__builtin_inf(), -__builtin_inf(), -__builtin_inf()};
    v4 lo = {__builtin_inf(), __builtin_inf(), __builtin_inf(), __builtin_inf()};
    int i = 0;
    if (left > 0) {
        for (; i + 4 <= len; i += 4) {
            v4 x = FOUR_TERMS(i);
            STORE(r + i, x);
            hi = SELECT_WHERE((v4l)(x > hi), x, hi);
            lo = SELECT_WHERE((v4l)(x < lo), x, lo);
        }
    } else {
        for (; i + 4 <= len; i += 4) {
            v4 x = LOAD(r + i);
            hi = SELECT_WHERE((v4l)(x > hi), x, hi);
            lo = SELECT_WHERE((v4l)(x < lo), x, lo);
        }
    }
    double h = *high, l = *low;
    for (int t = 0; t < 4; t++) { h = hi[t] > h ? hi[t] : h; l = lo[t] < l ? lo[t] : l; }
    for (; i < len; i++) {
        double x = left > 0 ? (((r[i] - c0 * q0[i]) - c1 * q1[i]) - c2 * q2[i]) - c3 * q3[i] : r[i];
        r[i] = x;
        h = x > h ? x : h;
        l = x < l ? x : l;
    }
    *high = h;
    *low = l;
}

static inline __attribute__((always_inline)) void residual_updates(int count, double *const *r, const int *start,
                                                                   const double *const *c, int end, const double *q, long n,
                                                                   int len, double *low, double *high) {
    for (int j = 0; j < count; j++) { low[j] = __builtin_inf(); high[j] = -__builtin_inf(); }
    for (int offset = 0; offset < len; offset += CHUNK) {
        int rows = len - offset < CHUNK ? len - offset : CHUNK;
        for (int j = 0; j < count; j++) update_chunk(r[j] + offset, rows, q + offset, n, c[j], start[j], end, low + j, high + j);
    }
}

#if defined(__x86_64__)
AVX2 static void residual_updates_avx2(int count, double *const *r, const int *start, const double *const *c, int end,
                                       const double *q, long n, int len, double *low, double *high) {
    residual_updates(count, r, start, c, end, q, n, len, low, high);
}
#endif

void romkit_residual_updates(int count, double *const *r, const int *start, const double *const *c, int end,
                             const double *q, long n, int len, double *low, double *high) {
    DISPATCH(residual_updates_avx2(count, r, start, c, end, q, n, len, low, high),
             residual_updates(count, r, start, c, end, q, n, len, low, high))
}

// ROMKit's own SIMD kernels, compiled twice (AVX2 + FMA, and the baseline) and chosen once at run
// time from the CPU's features. For the online queries of small reduced models (order n ≤ 64):
// the affine sum, a Cholesky factorization, the two triangular solves and the estimator's
// product, on contiguous column-major storage whose leading dimension is a multiple of four (the
// Swift side is Sources/ROM/Online/SmallReducedKernel.swift). For the EIM greedy: the lazy
// rank-one corrections of its residuals (Sources/EIM/ResidualKernels.swift).
#ifndef ROMKIT_SMALL_KERNELS_H
#define ROMKIT_SMALL_KERNELS_H

/// a = Σ_l θ_l A_l for A_l = ops + l·n·ld (n columns, leading dimension ld, a multiple of four),
/// column j from row j rounded down to a multiple of four (what the factorization reads).
void romkit_affine_sum(const double *ops, const double *theta, int q, int n, int ld, double *a);

/// The Cholesky factor of the SPD matrix a (n columns, leading dimension ld > n, a multiple of
/// four, zero padding rows but row n, which holds a right-hand side b) in its lower triangle, in
/// place; the strict upper triangle is overwritten by scratch values, row n by y = L⁻¹ b, and
/// inverse[k] = 1 / L[k,k]. Returns -1, or the first column whose pivot is not positive (or NaN).
int romkit_cholesky_lower(double *a, int n, int ld, double *inverse);

/// x = L⁻ᵀ y for the factor, y (its row n) and reciprocals left by romkit_cholesky_lower.
void romkit_solve_factored(const double *l, const double *inverse, int n, int ld, double *x);

/// Y = M C for `count` columns c (leading dimension ldc) into y (leading dimension ldy): M column-major
/// (rows × k, leading dimension ldm a multiple of four ≥ rows, zero padding rows); with upper ≠ 0,
/// column j of M is zero below row j and the zeros are skipped. Each column's answer is the same,
/// bit for bit, whatever `count`.
void romkit_product_columns(const double *m, int rows, int k, int ldm, int upper, int count, const double *c, int ldc, double *y, int ldy);

/// Four parameters at once, one per lane: out[4e + t] = Σ_l θ[4l + t] v[q·e + l] for e < count
/// (v entry-major: the q coefficients of an entry side by side).
void romkit_combine_lanes(const double *values, const double *theta, int q, int count, double *out);

/// Four SPD systems at once, one per lane: entry (i, j), i ≥ j, of lane t's matrix at
/// a[4(j·ld + i) + t] (lower triangle read, overwritten by the Cholesky factor), entry i of its
/// right-hand side at f[4i + t]; lane t's solution goes to x[t·ldx + i], i < n ≤ 64. Returns -1,
/// or 64·t + k for the first column k whose pivot is not positive (or NaN) in lane t.
int romkit_cholesky_solve_lanes(double *a, const double *f, int n, int ld, double *x, int ldx);

/// xᵀ y over n entries.
double romkit_dot(int n, const double *x, const double *y);

/// Whether the AVX2 + FMA versions run (1) or the baseline ones (0).
int romkit_small_kernels_use_avx2(void);

/// The EIM greedy's lazy corrections on one tile of `len` points, for `count` columns at once:
/// r_j[0..len) −= Σ_{k = start[j]}^{end−1} c_j[k] q_k[0..len) with q_k = q + k·n, the terms
/// subtracted one by one in their order (so a column's values do not depend on `count` or on
/// when it is brought up to date), and (low[j], high[j]) = (min, max) of r_j over the tile
/// (+∞, −∞ when len = 0). q is read only where a column has a pending term.
void romkit_residual_updates(int count, double *const *r, const int *start, const double *const *c, int end,
                             const double *q, long n, int len, double *low, double *high);

#endif

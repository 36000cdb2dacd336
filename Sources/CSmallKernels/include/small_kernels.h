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

/// The estimator matrix B (rows × k, column-major, leading dimension ldb a multiple of four ≥ rows,
/// zero padding; `upper`: zero below the diagonal) in romkit_online_query's layout, into out (when
/// not NULL); returns the number of doubles (call with out = NULL first to size it).
long romkit_pack_estimator(const double *b, int rows, int k, int ldb, int upper, double *out);

/// The doubles of romkit_ldlt_solve's workspace for order n and leading dimension ld = (n + 4) & ~3.
long romkit_ldlt_solve_workspace(int n, int ld);

/// A u = f for the SPD matrix a (n ≤ 64 columns, leading dimension ld = (n + 4) & ~3, lower
/// triangle from each column's row rounded down to four, f in row n, zero padding rows) by LDLᵀ;
/// a is overwritten. work: romkit_ldlt_solve_workspace(n, ld) doubles, zeroed before the first call
/// and left to the kernel after. Returns -1, or the first column whose pivot is not positive (or NaN).
int romkit_ldlt_solve(double *a, int n, int ld, double *work, double *u);

/// The doubles of romkit_online_query's workspace (n, ld as for romkit_ldlt_solve).
long romkit_online_query_workspace(int n, int ld);

/// One query of a symmetric reduced model of order n ≤ 64 in one call: A = Σ_l θ_l A_l (ops as for
/// romkit_affine_sum) and f = Σ_l θ'_l f_l (rhs: p vectors of n), u = A⁻¹ f (romkit_ldlt_solve),
/// c = (θ'_1 … θ'_p, −θ_l u_j at p + j·q + l) into c and y = B c into y (rows entries), B packed by
/// romkit_pack_estimator (rows, ldb and upper as given there; k = p + q·n). work:
/// romkit_online_query_workspace(n, ld) doubles, zeroed before the first query and left to the
/// kernel after. Returns -1, or the first column whose pivot is not positive (or NaN).
int romkit_online_query(const double *ops, const double *theta, int q, const double *rhs, const double *rhs_theta, int p, int n, int ld,
                        const double *b, int rows, int ldb, int upper, double *work, double *u, double *c, double *y);

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

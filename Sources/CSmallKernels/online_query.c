// One online query of a small symmetric reduced model in one call (romkit_online_query): the
// affine sums, an LDLᵀ factorization with the forward solve folded in, the back solve, c(μ) and
// the estimator's product y = B c(μ). What it does differently from a Cholesky by columns, and
// why the answer is the same to round-off:
// - LDLᵀ instead of LLᵀ: no square root on the chain from one pivot to the next (the same
//   factorization up to the scaling D^{1/2}; a pivot ≤ 0 or NaN reports the same column).
// - Panels of four columns whose 4 × 4 diagonal block stays in registers: pivots and multipliers
//   are read from lanes, not reloaded from just-stored memory; the rest of the matrix takes one
//   rank-four update per panel (each vector loaded and stored once for four multiply-adds).
// - The back solve by columns of Lᵀ, which the panels write by 4 × 4 transposes: each u_i is one
//   multiply-add after the last instead of a reduction.
// - B packed in the order the product reads it (romkit_pack_estimator): one stream, and the
//   zeros of an upper B skipped four rows at a time.
#include "small_kernels.h"
#include "vector_support.h"
#include "affine_sum.h"

#pragma clang fp contract(fast)

// A = L D Lᵀ on the lower triangle (each column from its aligned row at or above the diagonal;
// row n holds f and becomes z = L⁻¹ f, so the forward solve is folded in), in panels of four
// columns: a panel is factored left-looking (its columns start on one aligned row), then the
// columns right of it take the panel's rank-four update in one pass, each vector loaded and
// stored once for four multiply-adds. L overwrites the strict lower triangle (scaled by
// 1/d_k), the unscaled panel goes to `panel` (4 × ld), l_ik also to lt[i·ld + k] (columns of Lᵀ,
// zero from the diagonal down) and v_k = z_k / d_k to v[k].
static inline __attribute__((always_inline)) int ldlt_panels(double *a, int n, int ld, double *panel, double *lt, double *v) {
    for (int k0 = 0; k0 < n; k0 += 4) {
        int width = n - k0 < 4 ? n - k0 : 4;
        double *c0 = a + (long)k0 * ld, *c1 = c0 + ld, *c2 = c1 + ld, *c3 = c2 + ld;
        double *u0 = panel, *u1 = u0 + ld, *u2 = u1 + ld, *u3 = u2 + ld;
        // The diagonal block in registers: pivots and multipliers by lane, no trip through memory.
        v4 x0 = LOAD(c0 + k0), x1 = width > 1 ? LOAD(c1 + k0) : x0, x2 = width > 2 ? LOAD(c2 + k0) : x0, x3 = width > 3 ? LOAD(c3 + k0) : x0;
        double p0 = x0[0];
        if (!(p0 > 0)) return k0;
        double r0 = 1 / p0;
        v4 l0 = x0 * r0;
        double w10 = x0[1], w20 = x0[2], w30 = x0[3];
        x1 -= w10 * l0;
        double p1 = x1[1];
        if (width > 1 && !(p1 > 0)) return k0 + 1;
        double r1 = 1 / p1;
        v4 l1 = x1 * r1;
        double w21 = x1[2], w31 = x1[3];
        x2 -= w20 * l0 + w21 * l1;
        double p2 = x2[2];
        if (width > 2 && !(p2 > 0)) return k0 + 2;
        double r2 = 1 / p2;
        v4 l2 = x2 * r2;
        double w32 = x2[3];
        x3 -= (w30 * l0 + w31 * l1) + w32 * l2;
        double p3 = x3[3];
        if (width > 3 && !(p3 > 0)) return k0 + 3;
        double r3 = 1 / p3;
        v4 l3 = x3 * r3;
        STORE(c0 + k0, l0); STORE(u0 + k0, x0);
        if (width > 1) { STORE(c1 + k0, l1); STORE(u1 + k0, x1); }
        if (width > 2) { STORE(c2 + k0, l2); STORE(u2 + k0, x2); }
        if (width > 3) { STORE(c3 + k0, l3); STORE(u3 + k0, x3); }
        // Lᵀ's rows k0+1 … k0+3 from the block (row n, in the last narrow panel, is v).
        v4 block[4] = {l0, l1, l2, l3};
        for (int t = 1; t < 4; t++) {
            if (k0 + t < n) {
                for (int s = 0; s < t; s++) lt[(long)(k0 + t) * ld + k0 + s] = block[s][t];
            } else if (k0 + t == n) {
                for (int s = 0; s < width; s++) v[k0 + s] = block[s][t];
            }
        }
        // The rows below: the same updates with the block's multipliers, then Lᵀ's rows by a 4 × 4
        // transpose (row n of the transpose is v = D⁻¹ z).
        for (int i = k0 + 4; i < ld; i += 4) {
            v4 y0 = LOAD(c0 + i), y1 = width > 1 ? LOAD(c1 + i) : y0, y2 = width > 2 ? LOAD(c2 + i) : y0, y3 = width > 3 ? LOAD(c3 + i) : y0;
            v4 m0 = y0 * r0;
            y1 -= w10 * m0;
            v4 m1 = y1 * r1;
            y2 -= w20 * m0 + w21 * m1;
            v4 m2 = y2 * r2;
            y3 -= (w30 * m0 + w31 * m1) + w32 * m2;
            v4 m3 = y3 * r3;
            STORE(c0 + i, m0); STORE(u0 + i, y0);
            if (width > 1) { STORE(c1 + i, m1); STORE(u1 + i, y1); }
            if (width > 2) { STORE(c2 + i, m2); STORE(u2 + i, y2); }
            if (width > 3) { STORE(c3 + i, m3); STORE(u3 + i, y3); }
            v4 t01l = __builtin_shufflevector(m0, m1, 0, 4, 2, 6), t01h = __builtin_shufflevector(m0, m1, 1, 5, 3, 7);
            v4 t23l = __builtin_shufflevector(m2, m3, 0, 4, 2, 6), t23h = __builtin_shufflevector(m2, m3, 1, 5, 3, 7);
            v4 rows4[4] = {__builtin_shufflevector(t01l, t23l, 0, 1, 4, 5), __builtin_shufflevector(t01h, t23h, 0, 1, 4, 5),
                           __builtin_shufflevector(t01l, t23l, 2, 3, 6, 7), __builtin_shufflevector(t01h, t23h, 2, 3, 6, 7)};
            for (int t = 0; t < 4 && i + t <= n; t++) {
                double *row = i + t < n ? lt + (long)(i + t) * ld + k0 : v + k0;
                if (width == 4) STORE(row, rows4[t]);
                else for (int s = 0; s < width; s++) row[s] = rows4[t][s];
            }
        }
        if (width < 4) break;
        for (int j = k0 + 4; j < n; j++) {
            double w0 = u0[j], w1 = u1[j], w2 = u2[j], w3 = u3[j];
            double *target = a + (long)j * ld;
            for (int i = j & ~3; i < ld; i += 4)
                STORE(target + i, LOAD(target + i) - ((w0 * LOAD(c0 + i) + w1 * LOAD(c1 + i)) + (w2 * LOAD(c2 + i) + w3 * LOAD(c3 + i))));
        }
    }
    return -1;
}

// The estimator matrix packed for packed_product: row chunks of 32 (eight vectors, fewer in the
// last chunk); in chunk c, for an upper B, first its diagonal block (column 32c + t keeps its
// vectors 0 … t/4, the rest are zeros), then the columns right of it whole; for a full B every
// column whole. Column by column within a chunk, each column's vectors contiguous: one stream.
static long pack_estimator(const double *b, int rows, int k, int ldb, int upper, double *out) {
    long count = 0;
    for (int r0 = 0; r0 < rows; r0 += 32) {
        int vectors = (ldb - r0) / 4 < 8 ? (ldb - r0) / 4 : 8;
        for (int j = upper ? r0 : 0; j < k; j++) {
            int t = j - r0, kept = upper && t < 32 && t / 4 + 1 < vectors ? t / 4 + 1 : vectors;
            for (int i = 0; i < 4 * kept; i++) {
                if (out) out[count] = b[(long)j * ldb + r0 + i];
                count++;
            }
        }
    }
    return count;
}

// One term of y's chunk: s_v += x · column vector v for the vectors v < kept (kept ≤ 8).
#define ACCUMULATE(v) if (kept > v) s##v += x * LOAD(p + 4 * v)

// y = B c from pack_estimator's layout: each chunk of 32 rows summed in eight registers over the
// columns in increasing order.
static inline __attribute__((always_inline)) void packed_product(const double *packed, int rows, int k, int ldb, int upper,
                                                                  const double *c, double *y) {
    const double *p = packed;
    for (int r0 = 0; r0 < rows; r0 += 32) {
        int vectors = (ldb - r0) / 4 < 8 ? (ldb - r0) / 4 : 8;
        v4 s0 = {0, 0, 0, 0}, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        int j = upper ? r0 : 0;
        if (upper) {
            for (; j < k && j < r0 + 32; j++) {
                int t = j - r0, kept = t / 4 + 1 < vectors ? t / 4 + 1 : vectors;
                double x = c[j];
                ACCUMULATE(0); ACCUMULATE(1); ACCUMULATE(2); ACCUMULATE(3);
                ACCUMULATE(4); ACCUMULATE(5); ACCUMULATE(6); ACCUMULATE(7);
                p += 4 * kept;
            }
        }
        if (vectors == 8) {
            for (; j < k; j++, p += 32) {
                double x = c[j];
                s0 += x * LOAD(p); s1 += x * LOAD(p + 4); s2 += x * LOAD(p + 8); s3 += x * LOAD(p + 12);
                s4 += x * LOAD(p + 16); s5 += x * LOAD(p + 20); s6 += x * LOAD(p + 24); s7 += x * LOAD(p + 28);
            }
        } else {
            int kept = vectors;
            for (; j < k; j++, p += 4 * kept) {
                double x = c[j];
                ACCUMULATE(0); ACCUMULATE(1); ACCUMULATE(2); ACCUMULATE(3);
                ACCUMULATE(4); ACCUMULATE(5); ACCUMULATE(6);
            }
        }
        v4 s[8] = {s0, s1, s2, s3, s4, s5, s6, s7};
        int height = rows - r0 < 32 ? rows - r0 : 32;
        const double *out = (const double *)s;
        for (int i = 0; i < height; i++) y[r0 + i] = out[i];
    }
}
#undef ACCUMULATE

// Factor and solve: a (n columns, leading dimension ld, f in row n) is overwritten by L; work holds
// Lᵀ by columns (n · ld, zero from the diagonal down: kept zero between calls), the panel (4 · ld)
// and v (ld).
static inline __attribute__((always_inline)) int ldlt_solve(double *a, int n, int ld, double *work, double *u) {
    double *lt = work, *panel = lt + (long)n * ld, *v = panel + 4L * ld;
    int column = ldlt_panels(a, n, ld, panel, lt, v);
    if (column >= 0) return column;
    // Lᵀ u = v = D⁻¹ z by columns of Lᵀ: u_i, then v[0, i) −= u_i Lᵀ[0, i), i (column i of lt is
    // zero from row i down), so each u_i is one multiply-add after the last.
    for (int i = n - 1; i >= 0; i--) {
        double x = v[i];
        u[i] = x;
        const double *l = lt + (long)i * ld;
        for (int r0 = 0; r0 < i; r0 += 4) STORE(v + r0, LOAD(v + r0) - x * LOAD(l + r0));
    }
    return -1;
}

static inline __attribute__((always_inline)) int online_query(const double *ops, const double *theta, int q, const double *rhs,
                                                              const double *rhs_theta, int p, int n, int ld, const double *b,
                                                              int rows, int ldb, int upper, double *work, double *u, double *c,
                                                              double *y) {
    double *a = work;
    affine_sum(ops, theta, q, n, ld, a);
    for (int j = 0; j < n; j++) {
        double f = 0;
        for (int l = 0; l < p; l++) f += rhs_theta[l] * rhs[(long)l * n + j];
        a[(long)j * ld + n] = f;
    }
    int column = ldlt_solve(a, n, ld, a + (long)n * ld, u);
    if (column >= 0) return column;
    for (int i = 0; i < p; i++) c[i] = rhs_theta[i];
    for (int j = 0; j < n; j++) for (int l = 0; l < q; l++) c[p + j * q + l] = -theta[l] * u[j];
    packed_product(b, rows, p + q * n, ldb, upper, c, y);
    return -1;
}

long romkit_pack_estimator(const double *b, int rows, int k, int ldb, int upper, double *out) {
    return pack_estimator(b, rows, k, ldb, upper, out);
}

long romkit_ldlt_solve_workspace(int n, int ld) { return (long)n * ld + 5L * ld; }

long romkit_online_query_workspace(int n, int ld) { return (long)n * ld + romkit_ldlt_solve_workspace(n, ld); }

#if defined(__x86_64__)
AVX2 static int online_query_avx2(const double *ops, const double *theta, int q, const double *rhs, const double *rhs_theta, int p,
                                  int n, int ld, const double *b, int rows, int ldb, int upper, double *work, double *u, double *c,
                                  double *y) {
    return online_query(ops, theta, q, rhs, rhs_theta, p, n, ld, b, rows, ldb, upper, work, u, c, y);
}
AVX2 static int ldlt_solve_avx2(double *a, int n, int ld, double *work, double *u) { return ldlt_solve(a, n, ld, work, u); }
#endif

int romkit_ldlt_solve(double *a, int n, int ld, double *work, double *u) {
    DISPATCH(return ldlt_solve_avx2(a, n, ld, work, u), return ldlt_solve(a, n, ld, work, u))
}

int romkit_online_query(const double *ops, const double *theta, int q, const double *rhs, const double *rhs_theta, int p, int n, int ld,
                        const double *b, int rows, int ldb, int upper, double *work, double *u, double *c, double *y) {
    DISPATCH(return online_query_avx2(ops, theta, q, rhs, rhs_theta, p, n, ld, b, rows, ldb, upper, work, u, c, y),
             return online_query(ops, theta, q, rhs, rhs_theta, p, n, ld, b, rows, ldb, upper, work, u, c, y))
}

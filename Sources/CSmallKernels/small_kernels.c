// The kernels of small_kernels.h. Each body is written once (static inline, GCC/Clang vector
// extensions of four doubles) and instantiated twice: for AVX2 + FMA and for the baseline target.
#include "small_kernels.h"
#include "vector_support.h"
#include "affine_sum.h"

#pragma clang fp contract(fast)

static inline __attribute__((always_inline)) double dot(int n, const double *x, const double *y) {
    v4 s0 = {0, 0, 0, 0}, s1 = {0, 0, 0, 0};
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        s0 += LOAD(x + i) * LOAD(y + i);
        s1 += LOAD(x + i + 4) * LOAD(y + i + 4);
    }
    if (i + 4 <= n) { s0 += LOAD(x + i) * LOAD(y + i); i += 4; }
    s0 += s1;
    double sum = (s0[0] + s0[1]) + (s0[2] + s0[3]);
    for (; i < n; i++) sum += x[i] * y[i];
    return sum;
}

// y = M c for one c: rows in chunks of 32 (eight accumulators), each row summed over j in
// increasing order.
static inline __attribute__((always_inline)) void product_column(const double *m, int rows, int k, int ldm, int upper, const double *c, double *y) {
    for (int r0 = 0; r0 < rows; r0 += 32) {
        int vectors = (ldm - r0) / 4 < 8 ? (ldm - r0) / 4 : 8;
        v4 s[8] = {{0}};
        const double *column = m + r0;
        int j = upper ? r0 : 0;
        if (vectors == 8) {
            v4 s0 = s[0], s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            for (; j < k; j++) {
                const double *p = column + (long)j * ldm;
                double x = c[j];
                s0 += x * LOAD(p); s1 += x * LOAD(p + 4); s2 += x * LOAD(p + 8); s3 += x * LOAD(p + 12);
                s4 += x * LOAD(p + 16); s5 += x * LOAD(p + 20); s6 += x * LOAD(p + 24); s7 += x * LOAD(p + 28);
            }
            s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3; s[4] = s4; s[5] = s5; s[6] = s6; s[7] = s7;
        } else {
            for (; j < k; j++) {
                const double *p = column + (long)j * ldm;
                double x = c[j];
                for (int v = 0; v < vectors; v++) s[v] += x * LOAD(p + 4 * v);
            }
        }
        int height = rows - r0 < 32 ? rows - r0 : 32;
        const double *out = (const double *)s;
        for (int i = 0; i < height; i++) y[r0 + i] = out[i];
    }
}

// Y = M C, three columns of C at a time sharing each load of M, rows in chunks of twelve (nine
// accumulators, no spills). Each row sums over j in increasing order as product_column does
// (whose extra leading terms for an upper M are exact zeros), so every column equals
// product_column's answer bit for bit.
static inline __attribute__((always_inline)) void product_columns(const double *m, int rows, int k, int ldm, int upper, int count,
                                                                   const double *c, int ldc, double *y, int ldy) {
    int first = 0;
    for (; first + 3 <= count; first += 3) {
        const double *c0 = c + (long)first * ldc, *c1 = c0 + ldc, *c2 = c1 + ldc;
        double *y0 = y + (long)first * ldy, *y1 = y0 + ldy, *y2 = y1 + ldy;
        for (int r0 = 0; r0 < rows; r0 += 12) {
            int vectors = (ldm - r0) / 4 < 3 ? (ldm - r0) / 4 : 3;
            v4 a0 = {0, 0, 0, 0}, a1 = a0, a2 = a0, b0 = a0, b1 = a0, b2 = a0, d0 = a0, d1 = a0, d2 = a0;
            const double *column = m + r0;
            int j = upper ? r0 : 0;
            if (vectors == 3) {
                for (; j < k; j++) {
                    const double *p = column + (long)j * ldm;
                    v4 m0 = LOAD(p), m1 = LOAD(p + 4), m2 = LOAD(p + 8);
                    double x0 = c0[j], x1 = c1[j], x2 = c2[j];
                    a0 += x0 * m0; a1 += x0 * m1; a2 += x0 * m2;
                    b0 += x1 * m0; b1 += x1 * m1; b2 += x1 * m2;
                    d0 += x2 * m0; d1 += x2 * m1; d2 += x2 * m2;
                }
            } else {
                for (; j < k; j++) {
                    const double *p = column + (long)j * ldm;
                    double x0 = c0[j], x1 = c1[j], x2 = c2[j];
                    v4 m0 = LOAD(p);
                    a0 += x0 * m0; b0 += x1 * m0; d0 += x2 * m0;
                    if (vectors > 1) { v4 m1 = LOAD(p + 4); a1 += x0 * m1; b1 += x1 * m1; d1 += x2 * m1; }
                }
            }
            v4 out[9] = {a0, a1, a2, b0, b1, b2, d0, d1, d2};
            const double *o = (const double *)out;
            int height = rows - r0 < 12 ? rows - r0 : 12;
            for (int i = 0; i < height; i++) { y0[r0 + i] = o[i]; y1[r0 + i] = o[12 + i]; y2[r0 + i] = o[24 + i]; }
        }
    }
    for (; first < count; first++) product_column(m, rows, k, ldm, upper, c + (long)first * ldc, y + (long)first * ldy);
}

// out[4e + t] = Σ_l θ[4l + t] v[q e + l] for e < count: a combination per lane, the four lanes
// being four parameters (coefficients entry-major, q per entry).
static inline __attribute__((always_inline)) void combine_lanes(const double *values, const double *theta, int q, int count, double *out) {
    if (q == 4) {
        v4 t0 = LOAD(theta), t1 = LOAD(theta + 4), t2 = LOAD(theta + 8), t3 = LOAD(theta + 12);
        for (int e = 0; e < count; e++) {
            const double *v = values + 4L * e;
            STORE(out + 4L * e, v[0] * t0 + v[1] * t1 + v[2] * t2 + v[3] * t3);
        }
        return;
    }
    for (int e = 0; e < count; e++) {
        const double *v = values + (long)q * e;
        v4 sum = {0, 0, 0, 0};
        for (int l = 0; l < q; l++) sum += v[l] * LOAD(theta + 4 * l);
        STORE(out + 4L * e, sum);
    }
}

// Four SPD systems at once, one per lane (see small_kernels.h for the layout): a left-looking
// Cholesky in the scalar order, each operation on four lanes, the forward solve folded into the
// diagonal step, then the back solve. No cross-lane dependency, so the sqrt/divide chain of one
// system no longer serializes the factorization.
static inline __attribute__((always_inline)) int cholesky_solve_lanes(double *a, const double *f, int n, int ld, double *x, int ldx) {
#define ENTRY(i, j) (a + 4 * ((long)(j) * ld + (i)))
    v4 inverse[64], y[64], solution[64];
    for (int k = 0; k < n; k++) {
        v4 d0 = LOAD(ENTRY(k, k)), d1 = {0, 0, 0, 0}, y0 = LOAD(f + 4L * k), y1 = d1;
        int j = 0;
        for (; j + 2 <= k; j += 2) {
            v4 l0 = LOAD(ENTRY(k, j)), l1 = LOAD(ENTRY(k, j + 1));
            d0 -= l0 * l0; d1 -= l1 * l1; y0 -= l0 * y[j]; y1 -= l1 * y[j + 1];
        }
        if (j < k) { v4 l0 = LOAD(ENTRY(k, j)); d0 -= l0 * l0; y0 -= l0 * y[j]; }
        v4 d = d0 + d1;
        for (int t = 0; t < 4; t++) if (!(d[t] > 0)) return 64 * t + k;
        v4 s = __builtin_elementwise_sqrt(d), r = 1.0 / s;
        STORE(ENTRY(k, k), s);
        inverse[k] = r;
        y[k] = (y0 + y1) * r;
        int i = k + 1;
        for (; i + 4 <= n; i += 4) {
            v4 v0 = LOAD(ENTRY(i, k)), v1 = LOAD(ENTRY(i + 1, k)), v2 = LOAD(ENTRY(i + 2, k)), v3 = LOAD(ENTRY(i + 3, k));
            for (int j = 0; j < k; j++) {
                v4 l = LOAD(ENTRY(k, j));
                v0 -= LOAD(ENTRY(i, j)) * l; v1 -= LOAD(ENTRY(i + 1, j)) * l; v2 -= LOAD(ENTRY(i + 2, j)) * l; v3 -= LOAD(ENTRY(i + 3, j)) * l;
            }
            STORE(ENTRY(i, k), v0 * r); STORE(ENTRY(i + 1, k), v1 * r); STORE(ENTRY(i + 2, k), v2 * r); STORE(ENTRY(i + 3, k), v3 * r);
        }
        for (; i < n; i++) {
            v4 v = LOAD(ENTRY(i, k));
            for (int j = 0; j < k; j++) v -= LOAD(ENTRY(i, j)) * LOAD(ENTRY(k, j));
            STORE(ENTRY(i, k), v * r);
        }
    }
    for (int k = n - 1; k >= 0; k--) {
        v4 v = y[k], w = {0, 0, 0, 0};
        int i = k + 1;
        for (; i + 2 <= n; i += 2) { v -= LOAD(ENTRY(i, k)) * solution[i]; w -= LOAD(ENTRY(i + 1, k)) * solution[i + 1]; }
        if (i < n) v -= LOAD(ENTRY(i, k)) * solution[i];
        solution[k] = (v + w) * inverse[k];
    }
    for (int t = 0; t < 4; t++) for (int i = 0; i < n; i++) x[(long)t * ldx + i] = solution[i][t];
    return -1;
#undef ENTRY
}

#if defined(__x86_64__)
AVX2 static void affine_sum_avx2(const double *o, const double *t, int q, int n, int ld, double *a) { affine_sum(o, t, q, n, ld, a); }
AVX2 static void product_columns_avx2(const double *m, int r, int k, int ldm, int u, int count, const double *c, int ldc, double *y, int ldy) {
    product_columns(m, r, k, ldm, u, count, c, ldc, y, ldy);
}
AVX2 static void combine_lanes_avx2(const double *v, const double *t, int q, int count, double *out) { combine_lanes(v, t, q, count, out); }
AVX2 static int cholesky_solve_lanes_avx2(double *a, const double *f, int n, int ld, double *x, int ldx) {
    return cholesky_solve_lanes(a, f, n, ld, x, ldx);
}
AVX2 static double dot_avx2(int n, const double *x, const double *y) { return dot(n, x, y); }

// Set once when the library loads, before any thread can call a kernel.
static int detected = 0;

__attribute__((constructor)) static void detect(void) {
    __builtin_cpu_init();
    detected = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

int romkit_small_kernels_use_avx2(void) { return detected; }
#else
int romkit_small_kernels_use_avx2(void) { return 0; }
#endif

void romkit_affine_sum(const double *ops, const double *theta, int q, int n, int ld, double *a) {
    DISPATCH(affine_sum_avx2(ops, theta, q, n, ld, a), affine_sum(ops, theta, q, n, ld, a))
}

void romkit_product_columns(const double *m, int rows, int k, int ldm, int upper, int count, const double *c, int ldc, double *y, int ldy) {
    DISPATCH(product_columns_avx2(m, rows, k, ldm, upper, count, c, ldc, y, ldy), product_columns(m, rows, k, ldm, upper, count, c, ldc, y, ldy))
}

void romkit_combine_lanes(const double *values, const double *theta, int q, int count, double *out) {
    DISPATCH(combine_lanes_avx2(values, theta, q, count, out), combine_lanes(values, theta, q, count, out))
}

int romkit_cholesky_solve_lanes(double *a, const double *f, int n, int ld, double *x, int ldx) {
    DISPATCH(return cholesky_solve_lanes_avx2(a, f, n, ld, x, ldx), return cholesky_solve_lanes(a, f, n, ld, x, ldx))
}

double romkit_dot(int n, const double *x, const double *y) {
    DISPATCH(return dot_avx2(n, x, y), return dot(n, x, y))
}

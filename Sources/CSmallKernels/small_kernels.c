// The kernels of small_kernels.h. Each body is written once (static inline, GCC/Clang vector
// extensions of four doubles) and instantiated twice: for AVX2 + FMA and for the baseline target.
#include "small_kernels.h"

typedef double v4 __attribute__((vector_size(32), aligned(8)));

#define LOAD(p) (*(const v4 *)(p))
#define STORE(p, v) (*(v4 *)(p) = (v))

#pragma clang fp contract(fast)

// Column j from its aligned row at or above the diagonal: the lower triangle and the scratch
// the factorization may read.
static inline __attribute__((always_inline)) void affine_sum(const double *ops, const double *theta, int q, int n, int ld, double *a) {
    long entries = (long)n * ld;
    for (int j = 0; j < n; j++) {
        long start = (long)j * ld + (j & ~3), end = (long)(j + 1) * ld;
        double t0 = q > 0 ? theta[0] : 0;
        for (long i = start; i < end; i += 4) STORE(a + i, t0 * LOAD(ops + i));
        for (int l = 1; l < q; l++) {
            const double *op = ops + l * entries;
            double t = theta[l];
            for (long i = start; i < end; i += 4) STORE(a + i, LOAD(a + i) + t * LOAD(op + i));
        }
    }
}

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

// Left-looking, column by column: column k's update Σ_{j<k} L[k,j] L[:,j] accumulates in
// registers (sixteen rows at a time, even and odd j in separate chains) from the aligned row at
// or above k, so the strict upper triangle receives scratch values only. Row n (padding) holds
// the right-hand side b on entry: the same updates and scaling turn it into y = L⁻¹ b (row n of
// column k is y_k). The reciprocals of the diagonal go to inverse[0..n).
static inline __attribute__((always_inline)) int cholesky_lower(double *a, int n, int ld, double *inverse) {
    for (int k = 0; k < n; k++) {
        double *target = a + (long)k * ld;
        int r = k & ~3;
        for (; r + 16 <= ld; r += 16) {
            v4 s0 = LOAD(target + r), s1 = LOAD(target + r + 4), s2 = LOAD(target + r + 8), s3 = LOAD(target + r + 12);
            v4 t0 = {0, 0, 0, 0}, t1 = t0, t2 = t0, t3 = t0;
            int j = 0;
            for (; j + 2 <= k; j += 2) {
                const double *c0 = a + (long)j * ld + r, *c1 = c0 + ld;
                double f0 = a[(long)j * ld + k], f1 = a[(long)(j + 1) * ld + k];
                s0 -= f0 * LOAD(c0); s1 -= f0 * LOAD(c0 + 4); s2 -= f0 * LOAD(c0 + 8); s3 -= f0 * LOAD(c0 + 12);
                t0 -= f1 * LOAD(c1); t1 -= f1 * LOAD(c1 + 4); t2 -= f1 * LOAD(c1 + 8); t3 -= f1 * LOAD(c1 + 12);
            }
            if (j < k) {
                const double *c0 = a + (long)j * ld + r;
                double f0 = a[(long)j * ld + k];
                s0 -= f0 * LOAD(c0); s1 -= f0 * LOAD(c0 + 4); s2 -= f0 * LOAD(c0 + 8); s3 -= f0 * LOAD(c0 + 12);
            }
            STORE(target + r, s0 + t0); STORE(target + r + 4, s1 + t1); STORE(target + r + 8, s2 + t2); STORE(target + r + 12, s3 + t3);
        }
        for (; r < ld; r += 4) {
            v4 s0 = LOAD(target + r), t0 = {0, 0, 0, 0};
            int j = 0;
            for (; j + 2 <= k; j += 2) {
                s0 -= a[(long)j * ld + k] * LOAD(a + (long)j * ld + r);
                t0 -= a[(long)(j + 1) * ld + k] * LOAD(a + (long)(j + 1) * ld + r);
            }
            if (j < k) s0 -= a[(long)j * ld + k] * LOAD(a + (long)j * ld + r);
            STORE(target + r, s0 + t0);
        }
        double pivot = target[k];
        if (!(pivot > 0)) return k;
        double diagonal = __builtin_sqrt(pivot), scale = 1 / diagonal;
        for (int i = k & ~3; i < ld; i += 4) STORE(target + i, LOAD(target + i) * scale);
        target[k] = diagonal;
        inverse[k] = scale;
    }
    return -1;
}

// x = L⁻ᵀ y with y in row n of the factor (romkit_cholesky_lower's forward substitution).
static inline __attribute__((always_inline)) void solve_factored(const double *l, const double *inverse, int n, int ld, double *x) {
    for (int j = n - 1; j >= 0; j--) {
        const double *column = l + (long)j * ld;
        x[j] = (column[n] - dot(n - j - 1, column + j + 1, x + j + 1)) * inverse[j];
    }
}

// Four rows at a time share each load of c.
static inline __attribute__((always_inline)) void product_rows(const double *m, int rows, int k, int upper, const double *c, double *y) {
    int i = 0;
    for (; i + 4 <= rows; i += 4) {
        int t = upper ? i : 0;
        const double *r0 = m + (long)i * k, *r1 = r0 + k, *r2 = r1 + k, *r3 = r2 + k;
        v4 s0 = {0, 0, 0, 0}, s1 = s0, s2 = s0, s3 = s0, u0 = s0, u1 = s0, u2 = s0, u3 = s0;
        for (; t + 8 <= k; t += 8) {
            v4 x = LOAD(c + t), z = LOAD(c + t + 4);
            s0 += LOAD(r0 + t) * x; u0 += LOAD(r0 + t + 4) * z;
            s1 += LOAD(r1 + t) * x; u1 += LOAD(r1 + t + 4) * z;
            s2 += LOAD(r2 + t) * x; u2 += LOAD(r2 + t + 4) * z;
            s3 += LOAD(r3 + t) * x; u3 += LOAD(r3 + t + 4) * z;
        }
        if (t + 4 <= k) {
            v4 x = LOAD(c + t);
            s0 += LOAD(r0 + t) * x; s1 += LOAD(r1 + t) * x; s2 += LOAD(r2 + t) * x; s3 += LOAD(r3 + t) * x;
            t += 4;
        }
        s0 += u0; s1 += u1; s2 += u2; s3 += u3;
        double y0 = (s0[0] + s0[1]) + (s0[2] + s0[3]), y1 = (s1[0] + s1[1]) + (s1[2] + s1[3]);
        double y2 = (s2[0] + s2[1]) + (s2[2] + s2[3]), y3 = (s3[0] + s3[1]) + (s3[2] + s3[3]);
        for (; t < k; t++) {
            double x = c[t];
            y0 += r0[t] * x; y1 += r1[t] * x; y2 += r2[t] * x; y3 += r3[t] * x;
        }
        y[i] = y0; y[i + 1] = y1; y[i + 2] = y2; y[i + 3] = y3;
    }
    for (; i < rows; i++) {
        int start = upper ? i : 0;
        y[i] = dot(k - start, m + (long)i * k + start, c + start);
    }
}

#if defined(__x86_64__)
#define AVX2 __attribute__((target("avx2,fma")))
AVX2 static void affine_sum_avx2(const double *o, const double *t, int q, int n, int ld, double *a) { affine_sum(o, t, q, n, ld, a); }
AVX2 static int cholesky_lower_avx2(double *a, int n, int ld, double *v) { return cholesky_lower(a, n, ld, v); }
AVX2 static void solve_factored_avx2(const double *l, const double *v, int n, int ld, double *b) { solve_factored(l, v, n, ld, b); }
AVX2 static void product_rows_avx2(const double *m, int r, int k, int u, const double *c, double *y) { product_rows(m, r, k, u, c, y); }
AVX2 static double dot_avx2(int n, const double *x, const double *y) { return dot(n, x, y); }

// Set once when the library loads, before any thread can call a kernel.
static int detected = 0;

__attribute__((constructor)) static void detect(void) {
    __builtin_cpu_init();
    detected = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

int romkit_small_kernels_use_avx2(void) { return detected; }
#define DISPATCH(call_avx2, call_baseline) if (romkit_small_kernels_use_avx2()) { call_avx2; } else { call_baseline; }
#else
int romkit_small_kernels_use_avx2(void) { return 0; }
#define DISPATCH(call_avx2, call_baseline) { call_baseline; }
#endif

void romkit_affine_sum(const double *ops, const double *theta, int q, int n, int ld, double *a) {
    DISPATCH(affine_sum_avx2(ops, theta, q, n, ld, a), affine_sum(ops, theta, q, n, ld, a))
}

int romkit_cholesky_lower(double *a, int n, int ld, double *inverse) {
    DISPATCH(return cholesky_lower_avx2(a, n, ld, inverse), return cholesky_lower(a, n, ld, inverse))
}

void romkit_solve_factored(const double *l, const double *inverse, int n, int ld, double *b) {
    DISPATCH(solve_factored_avx2(l, inverse, n, ld, b), solve_factored(l, inverse, n, ld, b))
}

void romkit_product_rows(const double *m, int rows, int k, int upper, const double *c, double *y) {
    DISPATCH(product_rows_avx2(m, rows, k, upper, c, y), product_rows(m, rows, k, upper, c, y))
}

double romkit_dot(int n, const double *x, const double *y) {
    DISPATCH(return dot_avx2(n, x, y), return dot(n, x, y))
}

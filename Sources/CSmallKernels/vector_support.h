// What the kernels of this target share: the vector type of four doubles (GCC/Clang vector
// extensions), unaligned loads and stores, the AVX2 + FMA target attribute and the dispatch on the
// CPU's features (romkit_small_kernels_use_avx2, decided once when the library loads).
#ifndef ROMKIT_VECTOR_SUPPORT_H
#define ROMKIT_VECTOR_SUPPORT_H

typedef double v4 __attribute__((vector_size(32), aligned(8)));

#define LOAD(p) (*(const v4 *)(p))
#define STORE(p, v) (*(v4 *)(p) = (v))

int romkit_small_kernels_use_avx2(void);

#if defined(__x86_64__)
#define AVX2 __attribute__((target("avx2,fma")))
#define DISPATCH(call_avx2, call_baseline) if (romkit_small_kernels_use_avx2()) { call_avx2; } else { call_baseline; }
#else
#define DISPATCH(call_avx2, call_baseline) { call_baseline; }
#endif

#endif

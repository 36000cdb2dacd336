#include <suitesparse/cholmod.h>
#include <suitesparse/umfpack.h>

/* CHOLMOD's OpenMP runtime (libgomp). Debian's CHOLMOD requests 4 OpenMP threads (a compile-time
   constant) for every large supernode; on a 2-core machine those parallel regions cost more than
   they save, so CholeskyFactorization runs them on the calling thread (dynamic, 1 thread) and
   restores the caller's settings afterwards. */
int omp_get_dynamic(void);
void omp_set_dynamic(int dynamic_threads);
int omp_get_max_threads(void);
void omp_set_num_threads(int num_threads);

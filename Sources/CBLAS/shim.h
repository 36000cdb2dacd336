/* OpenBLAS's cblas.h also declares openblas_get_corename() and openblas_set_num_threads(). */
#include <cblas.h>

/* OpenBLAS (pthreads build): joins its server threads; the next threaded call creates them again. */
int blas_thread_shutdown_(void);

#include <lapacke.h>
/* lapack_int is a macro naming a type: Swift does not import macros, a typedef it does. */
typedef lapack_int romkit_lapack_int;

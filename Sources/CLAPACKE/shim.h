/* LAPACKE's complex type is C99 `double _Complex` unless defined first, and Swift does not
   import C99 complex types: a struct of two doubles has the same layout, and every routine
   ROMKit calls takes complex numbers through pointers, so the ABI is unchanged. */
typedef struct { double re; double im; } romkit_complex_double;
#define lapack_complex_double romkit_complex_double
#include <lapacke.h>
/* lapack_int is a macro naming a type: Swift does not import macros, a typedef it does. */
typedef lapack_int romkit_lapack_int;

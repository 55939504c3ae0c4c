#include <cblas.h>
// OpenBLAS's Fortran-interface declarations: the LAPACK routines the engine calls (dpotrf_,
// dtrtri_) are OpenBLAS's own optimized ones.
#include <f77blas.h>

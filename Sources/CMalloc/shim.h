#ifndef FLAMETOP_CMALLOC_SHIM_H
#define FLAMETOP_CMALLOC_SHIM_H

// glibc's allocator settings (mallopt): the Glibc Swift module leaves malloc.h out.
#include <malloc.h>

#endif

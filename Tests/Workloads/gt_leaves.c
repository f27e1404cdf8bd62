/* The ground-truth leaves as a shared library (libgt.so), for the PIE variant. */
#include "gt_leaf.h"
GT_LEAF(lib_alpha)
GT_LEAF(lib_beta)
GT_LEAF(lib_omega)

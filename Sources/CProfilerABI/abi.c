/* Intentionally empty: CProfilerABI is a header-only contract. SwiftPM needs one
 * source file to build a C target. */
#include "profiler_abi.h"

#ifndef FLAMETOP_CDEBUGINFOD_SHIM_H
#define FLAMETOP_CDEBUGINFOD_SHIM_H
/* elfutils' debuginfod client (libdebuginfod-dev): fetches debug files by build-id from the
 * servers in $DEBUGINFOD_URLS into $DEBUGINFOD_CACHE_PATH. */
#include <elfutils/debuginfod.h>
#endif

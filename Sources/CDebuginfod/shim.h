#ifndef FLAMETOP_CDEBUGINFOD_SHIM_H
#define FLAMETOP_CDEBUGINFOD_SHIM_H
/* elfutils' debuginfod client (libdebuginfod-dev): fetches debug files by build-id from the
 * servers in $DEBUGINFOD_URLS into $DEBUGINFOD_CACHE_PATH. Declarations only: flametop does
 * not link the library but loads it on first use (DebuginfodLibrary.swift), as libdw does,
 * because it brings libcurl and some 30 other libraries into every start. */
#include <elfutils/debuginfod.h>
#endif

#ifndef FLAMETOP_CZLIB_SHIM_H
#define FLAMETOP_CZLIB_SHIM_H

#include <zlib.h>

// deflateInit2 and inflateInit2 are macros (they pass the library version and the
// stream's size): Swift cannot call them, so these wrappers do.
static inline int flametop_deflate_init_gzip(z_stream *stream, int level) {
    // windowBits 15 + 16: a gzip header and trailer instead of zlib's (zlib.h).
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

static inline int flametop_inflate_init_gzip(z_stream *stream) {
    // windowBits 15 + 32: gzip or zlib, told apart by the header (zlib.h).
    return inflateInit2(stream, 15 + 32);
}

#endif

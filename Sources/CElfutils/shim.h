#ifndef FLAMETOP_CELFUTILS_SHIM_H
#define FLAMETOP_CELFUTILS_SHIM_H
#include <stddef.h>
#include <stdint.h>
#include <libelf.h>
#include <gelf.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <libiberty/demangle.h>

/* Debian's libiberty (libiberty-dev) demangles Itanium C++ and both Rust schemes (legacy
 * `_ZN…17h…E` and v0 `_R…`); DMGL_AUTO picks the scheme. Returns malloc'd text or NULL. */
static inline char *flametop_demangle_native(const char *name) {
    return cplus_demangle(name, DMGL_PARAMS | DMGL_ANSI | DMGL_AUTO);
}

/* Exported by libswiftCore (swift/include/swift/Demangling/Demangle.h, "swift_demangle"),
 * which every Swift program links: with a NULL buffer it returns malloc'd text or NULL. */
extern char *swift_demangle(const char *mangledName, size_t mangledNameLength,
                            char *outputBuffer, size_t *outputBufferSize, uint32_t flags);
#endif

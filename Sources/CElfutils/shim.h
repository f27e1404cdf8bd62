#ifndef FLAMETOP_CELFUTILS_SHIM_H
#define FLAMETOP_CELFUTILS_SHIM_H
#include <libelf.h>
#include <gelf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#endif

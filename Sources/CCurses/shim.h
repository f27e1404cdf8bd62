#ifndef FLAMETOP_CCURSES_SHIM_H
#define FLAMETOP_CCURSES_SHIM_H
/* cSettings defines do not reach the Swift importer: enable the wide API here. */
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <ncursesw/curses.h>
#include <locale.h>
#endif

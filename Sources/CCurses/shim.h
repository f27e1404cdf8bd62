#ifndef FLAMETOP_CCURSES_SHIM_H
#define FLAMETOP_CCURSES_SHIM_H
/* cSettings defines do not reach the Swift importer: enable the wide API here. */
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <ncursesw/curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

/* Swift 6 treats C globals as shared mutable state and cannot import function-like
   macros: these accessors and wrappers are the only way Swift touches either. */

static inline WINDOW *flametop_stdscr(void) { return stdscr; }
static inline FILE *flametop_stdin(void) { return stdin; }
static inline FILE *flametop_stdout(void) { return stdout; }
static inline int flametop_lines(void) { return LINES; }
static inline int flametop_cols(void) { return COLS; }

static inline attr_t flametop_a_normal(void) { return A_NORMAL; }
static inline attr_t flametop_a_bold(void) { return A_BOLD; }
static inline attr_t flametop_a_reverse(void) { return A_REVERSE; }
static inline attr_t flametop_a_underline(void) { return A_UNDERLINE; }
static inline attr_t flametop_a_dim(void) { return A_DIM; }

static inline int flametop_set_attributes(WINDOW *window, attr_t attributes, short pair) {
    return wattr_set(window, attributes, pair, NULL);
}

static inline int flametop_move_add_wide(WINDOW *window, int y, int x, const wchar_t *text, int count) {
    return mvwaddnwstr(window, y, x, text, count);
}

/* tigetstr returns (char *)-1 for a capability that is not a string. */
static inline const char *flametop_terminfo_string(const char *name) {
    char *value = tigetstr(name);
    if (value == NULL || value == (char *)-1) return NULL;
    return value;
}

/* True when LC_CTYPE (after setlocale) encodes text as UTF-8. */
static inline int flametop_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && strcmp(codeset, "UTF-8") == 0;
}

/* sigaction's handler lives in a union Swift imports awkwardly; set it here. */
static inline int flametop_set_signal_handler(int signal, void (*handler)(int), int flags,
                                              struct sigaction *old) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    action.sa_flags = flags;
    sigemptyset(&action.sa_mask);
    return sigaction(signal, &action, old);
}

static inline int flametop_restore_signal_handler(int signal, const struct sigaction *old) {
    return sigaction(signal, old, NULL);
}
#endif

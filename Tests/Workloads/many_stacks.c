/* 16^4 = 65,536 distinct call paths: main → aI → bJ → cK → dL, the four picked at
 * random for every short burst, so a profile of it keeps meeting new stacks.
 * Prints "ready" once running. */
#include <stdio.h>
#include <stdlib.h>

typedef void (*level_fn)(unsigned);

#define LEAF(name)                                             \
    __attribute__((noinline)) void name(unsigned path)         \
    {                                                          \
        volatile unsigned long sink = path;                    \
        for (int i = 0; i < 20000; i++)                        \
            sink += i;                                         \
    }
#define LEVEL(name, next)                                      \
    __attribute__((noinline)) void name(unsigned path)         \
    {                                                          \
        volatile int frame = 0;                                \
        (void)frame;                                           \
        next[path & 15](path >> 4);                            \
    }
#define SIXTEEN(macro, p, ...) \
    macro(p##0 __VA_ARGS__) macro(p##1 __VA_ARGS__) macro(p##2 __VA_ARGS__) macro(p##3 __VA_ARGS__) \
    macro(p##4 __VA_ARGS__) macro(p##5 __VA_ARGS__) macro(p##6 __VA_ARGS__) macro(p##7 __VA_ARGS__) \
    macro(p##8 __VA_ARGS__) macro(p##9 __VA_ARGS__) macro(p##10 __VA_ARGS__) macro(p##11 __VA_ARGS__) \
    macro(p##12 __VA_ARGS__) macro(p##13 __VA_ARGS__) macro(p##14 __VA_ARGS__) macro(p##15 __VA_ARGS__)
#define NAMES(p) { p##0, p##1, p##2, p##3, p##4, p##5, p##6, p##7, p##8, p##9, p##10, p##11, p##12, p##13, p##14, p##15 }

SIXTEEN(LEAF, d)
static const level_fn ds[16] = NAMES(d);
SIXTEEN(LEVEL, c, , ds)
static const level_fn cs[16] = NAMES(c);
SIXTEEN(LEVEL, b, , cs)
static const level_fn bs[16] = NAMES(b);
SIXTEEN(LEVEL, a, , bs)
static const level_fn as[16] = NAMES(a);

int main(void)
{
    printf("ready\n");
    fflush(stdout);
    unsigned state = 12345;
    for (;;) {
        state = state * 1103515245u + 12345u;
        unsigned path = (state >> 8) & 0xffff;
        as[path & 15](path >> 4);
    }
}

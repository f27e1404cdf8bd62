// C++ shapes whose names lose their scope in naive DWARF readers: a function template in a
// namespace instantiated with a lambda (GCC gives it no linkage name), std::sort inlined into
// it, -O2 clones (.constprop, .isra, .part, .cold) and a class member inlined across
// namespaces. Prints "ready", then spins until killed (or runs ROUNDS rounds with an argument).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace app {
static volatile unsigned long sink;

namespace detail {
struct Mixer {
    __attribute__((always_inline)) inline unsigned long mix(unsigned long value) const {
        return (value ^ (value >> 7)) * factor; // MARK:mix
    }
    unsigned long factor;
};
} // namespace detail

template <typename Compare> __attribute__((noinline)) void sort_all(std::vector<int> &values, Compare compare) {
    for (int round = 0; round < 4; round++) {
        for (size_t i = 0; i < values.size(); i++) values[i] = static_cast<int>((values[i] * 1103515245u + 12345u) >> 8);
        std::sort(values.begin(), values.end(), compare); // MARK:sort
    }
}

// Called with a constant argument from one place: GCC -O2 clones it as .constprop.0.
__attribute__((noinline)) static unsigned long scaled(const detail::Mixer &mixer, unsigned long count, int shift) {
    unsigned long total = 0;
    for (unsigned long i = 0; i < count; i++) total += mixer.mix(i) >> shift; // MARK:scaled
    return total;
}

struct Big { unsigned long a, b, c, d, e, f; };

// A struct passed by reference whose one field is used: .isra.
__attribute__((noinline)) static unsigned long field_sum(const Big &big, unsigned long count) {
    unsigned long total = 0;
    for (unsigned long i = 0; i < count; i++) total += (big.c + i) * (i | 1);
    return total;
}

// An unlikely error branch GCC splits out as .cold, a hot early exit partially inlined (.part).
__attribute__((noinline)) unsigned long checked(unsigned long value) {
    if (__builtin_expect(value == 0x5eed, 0)) {
        std::fprintf(stderr, "unlikely %lu\n", value);
        std::abort();
    }
    return value * 2654435761u;
}
} // namespace app

int main(int argc, char **argv) {
    long rounds = argc > 1 ? std::atol(argv[1]) : -1;
    std::vector<int> values(4096);
    for (size_t i = 0; i < values.size(); i++) values[i] = static_cast<int>(i * 7919u);
    app::detail::Mixer mixer{static_cast<unsigned long>(argc) | 3};
    app::Big big{1, 2, static_cast<unsigned long>(argc), 4, 5, 6};
    std::printf("ready\n");
    std::fflush(stdout);
    for (long round = 0; rounds < 0 || round < rounds; round++) {
        app::sort_all(values, [](int left, int right) { return left % 1000 < right % 1000; });
        app::sink += app::scaled(mixer, 200000, 3);
        app::sink += app::field_sum(big, 200000);
        app::sink += app::checked(static_cast<unsigned long>(round));
    }
}

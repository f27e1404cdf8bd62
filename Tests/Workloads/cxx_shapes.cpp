// C++ names to demangle: a namespace, a class, a const member function, a template and a
// member function that is always inlined. Prints "ready", then spins until killed.
#include <cstdio>

namespace shapes {
static volatile unsigned long sink;

template <typename T> struct Accumulator {
    __attribute__((always_inline)) inline void add(T value) { sink += static_cast<unsigned long>(value) * 3; } // MARK:cxx_add
};

class Circle {
public:
    explicit Circle(int radius) : radius_(radius) {}
    __attribute__((noinline)) unsigned long area(unsigned long rounds) const {
        volatile int frame = 0;
        Accumulator<int> accumulator;
        for (unsigned long i = 0; i < rounds; i++) accumulator.add(radius_ + frame); // MARK:cxx_call
        return sink;
    }
private:
    int radius_;
};
} // namespace shapes

int main() {
    shapes::Circle circle(3);
    std::printf("ready\n");
    std::fflush(stdout);
    for (;;) circle.area(100000);
}

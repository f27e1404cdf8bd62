// A Swift function whose mangled name (`$s4demo9swiftSpinyS2iF`) the Swift runtime
// demangles. With an argument it prints "ready" and spins until killed.
import Glibc

@inline(never)
func swiftSpin(_ rounds: Int) -> Int {
    var total = 0
    for index in 0..<rounds { total &+= index &* 3 }
    return total
}

if CommandLine.arguments.count > 1 {
    print("ready")
    fflush(stdout)
    var sink = 0
    while true { sink &+= swiftSpin(100_000 + sink & 1) }
} else {
    print(swiftSpin(10))
}

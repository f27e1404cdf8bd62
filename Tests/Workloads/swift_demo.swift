// A Swift function whose mangled name (`$s4demo9swiftSpinyS2iF`) the Swift runtime demangles.
@inline(never)
func swiftSpin(_ rounds: Int) -> Int {
    var total = 0
    for index in 0..<rounds { total &+= index &* 3 }
    return total
}

print(swiftSpin(Int(CommandLine.arguments.count) * 10))

/// The standard normal tail, in pure Swift (the Profile module links no C math library).
enum NormalDistribution {
    /// P(|Z| ≥ |z|) for a standard normal Z.
    static func twoSidedPValue(_ z: Double) -> Double {
        guard z.isFinite else { return z.isNaN ? 1 : 0 }
        return min(1, complementaryErrorFunction(abs(z) / 2.0.squareRoot()))
    }

    /// erfc(x) for x ≥ 0 by the Chebyshev fit of Numerical Recipes (2nd ed., §6.2, `erfcc`):
    /// fractional error below 1.2e-7 everywhere, ample for comparing p-values with α.
    static func complementaryErrorFunction(_ x: Double) -> Double {
        let t = 1 / (1 + 0.5 * x)
        var poly = 0.17087277
        for coefficient in [-0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806,
                            0.09678418, 0.37409196, 1.00002368, -1.26551223] {
            poly = coefficient + t * poly
        }
        return t * exponential(-x * x + poly)
    }

    /// e^x: x = k·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its Taylor series (18 terms reach
    /// double precision there), then scaled by 2^k.
    static func exponential(_ x: Double) -> Double {
        if x < -745 { return 0 }
        if x > 709 { return .infinity }
        let ln2 = 0.693_147_180_559_945_309_4
        let k = (x / ln2).rounded()
        let r = x - k * ln2
        var term = 1.0, sum = 1.0
        for n in 1...18 {
            term *= r / Double(n)
            sum += term
        }
        // Two steps, so 2^k stays representable when e^x is subnormal.
        let half = Int(k) / 2
        return sum * Double(sign: .plus, exponent: half, significand: 1)
            * Double(sign: .plus, exponent: Int(k) - half, significand: 1)
    }
}

/// A seeded mutator for fuzzing parsers inside the normal test run: each step flips,
/// inserts, deletes or duplicates bytes, favouring the bytes a grammar cares about. The
/// same seed gives the same inputs, so a failure names the seed and iteration to replay.
/// (libFuzzer via `-sanitize=fuzzer` needs a separate build of the package and a
/// `LLVMFuzzerTestOneInput` entry point; a bounded mutator runs everywhere `swift test` does.)
public struct ByteMutator {
    private var state: UInt64
    /// Bytes worth inserting: separators, digits, brackets, quotes, line ends, NUL, invalid UTF-8.
    public var interesting: [UInt8]

    public init(seed: UInt64, interesting: String) {
        state = seed
        self.interesting = Array(interesting.utf8) + [0x00, 0xFF, 0xC3, 0x80, 0x0A, 0x0D, 0x09]
    }

    /// SplitMix64 (Steele, Lea and Flood).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }

    /// `input` with 1–4 random edits.
    public mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0...below(4) {
            let position = below(bytes.count + 1)
            switch below(6) {
            case 0 where !bytes.isEmpty:
                bytes[min(position, bytes.count - 1)] ^= UInt8(1 << below(8))
            case 1, 2:
                bytes.insert(interesting[below(interesting.count)], at: position)
            case 3 where !bytes.isEmpty:
                let end = min(bytes.count, position + 1 + below(8))
                bytes.removeSubrange(min(position, bytes.count - 1)..<end)
            case 4 where position < bytes.count:
                let end = min(bytes.count, position + 1 + below(32))
                bytes.insert(contentsOf: bytes[position..<end], at: below(bytes.count + 1))
            default:
                // A long run: huge counts, deep stacks, long names.
                let byte = interesting[below(interesting.count)]
                bytes.insert(contentsOf: repeatElement(byte, count: 1 + below(64)), at: position)
            }
        }
        return bytes
    }
}

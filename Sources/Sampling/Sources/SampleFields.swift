import CProfilerABI

/// Decoding what both BPF programs record with each sample.
enum SampleFields {
    /// The addresses to look up for a stack, leaf first. Return addresses point after
    /// the call; looking up address − 1 keeps a call that ends a function (a
    /// noreturn tail) in its own function. The leaf is the interrupted instruction.
    static func lookupAddresses<Stack: Collection<UInt64>>(_ stack: Stack) -> [UInt64] {
        var addresses = Array(stack)
        for index in addresses.indices.dropFirst() where addresses[index] > 0 {
            addresses[index] -= 1
        }
        return addresses
    }

    /// The task's command name from a `char comm[FT_COMM_LEN]` field (NUL-padded).
    static func comm<Field>(_ field: Field) -> String {
        withUnsafeBytes(of: field) { raw in
            String(decoding: raw.prefix(Int(FT_COMM_LEN)).prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

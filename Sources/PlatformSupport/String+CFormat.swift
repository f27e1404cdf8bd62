#if canImport(Glibc)
import Glibc
#endif

extension String {
    /// printf-style formatting of numbers through the C library's `vsnprintf`: `String(format:)` is
    /// Foundation's, and importing it links Foundation's internationalisation tables into the binary.
    /// Arguments must be C numbers (`Int`, `Int32`, `UInt64`, `Double` …): a Swift `String` is not a
    /// C vararg here, so text goes into the result by interpolation, not through `%s`.
    public init(cFormat format: String, _ arguments: CVarArg...) {
        self = Self.formatted(format, arguments)
    }

    public init(cFormat format: String, arguments: [CVarArg]) {
        self = Self.formatted(format, arguments)
    }

    private static func formatted(_ format: String, _ arguments: [CVarArg]) -> String {
        var capacity = 128
        while true {
            var buffer = [CChar](repeating: 0, count: capacity)
            let needed = Int(withVaList(arguments) { vsnprintf(&buffer, capacity, format, $0) })
            if needed < 0 { return format }
            if needed < capacity {
                return String(decoding: buffer.prefix(needed).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            capacity = needed + 1
        }
    }
}

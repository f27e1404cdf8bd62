/// Symbols a JIT wrote to `/tmp/perf-PID.map`, one `START SIZE NAME` line each (hex
/// numbers, `0x` optional; the format perf documents in tools/perf/Documentation/jit-interface.txt).
struct PerfMap {
    private let index: SymbolIndex

    var count: Int { index.count }

    init(parsing bytes: [UInt8]) {
        var builder = SymbolIndex.Builder()
        bytes.withUnsafeBufferPointer { buffer in
            _ = try? ProcFile.forEachLine(in: buffer) { line in
                var cursor = ByteCursor(line, from: 0, to: line.count)
                cursor.skipSpaces()
                _ = cursor.skipHexPrefix()
                guard let start = cursor.hex(), cursor.skip(UInt8(ascii: " ")) else { return }
                cursor.skipSpaces()
                _ = cursor.skipHexPrefix()
                guard let size = cursor.hex(), cursor.skip(UInt8(ascii: " ")) else { return }
                let name = UnsafeBufferPointer(rebasing: line[cursor.position...])
                builder.add(start: start, size: max(size, 1), name: name)
            }
        }
        index = builder.build()
    }

    static func read(path: String) throws(SymbolizationError) -> PerfMap {
        PerfMap(parsing: try ProcFile.readAll(path))
    }

    func name(at address: UInt64) -> String? {
        index.index(covering: address).map { index.name(at: $0) }
    }
}

/// Kernel text symbols from /proc/kallsyms, sorted for lookup by address.
public struct KernelSymbols: Sendable {
    /// One symbol that covers an address.
    public struct Symbol: Hashable, Sendable {
        public var name: String
        /// The loadable module (`kvm`, `bpf` for BPF programs), nil for the core kernel.
        public var module: String?
        public var address: UInt64
    }

    private let table: KernelSymbolTable
    /// Module names; a symbol's tag is its position here plus one (0: core kernel).
    private let modules: [String]

    public var count: Int { table.count }

    /// The lowest and highest symbol address (core kernel and modules): the kernel's
    /// mapping in an export.
    public var addressRange: ClosedRange<UInt64>? {
        guard table.count > 0 else { return nil }
        return table.start(at: 0)...table.start(at: table.count - 1)
    }

    /// Reads and parses /proc/kallsyms (or another file in its format).
    public static func load(path: String = "/proc/kallsyms") throws(SymbolizationError) -> KernelSymbols {
        try load(path: path, chunkSize: 64 * 1024)
    }

    /// Streams the file through `chunkSize`-byte reads: the 5 MB text is never held whole.
    static func load(path: String, chunkSize: Int) throws(SymbolizationError) -> KernelSymbols {
        var parser = Parser(path: path)
        try ProcFile.forEachLine(path, chunkSize: chunkSize) { line throws(SymbolizationError) in
            try parser.parse(line: line)
        }
        return try KernelSymbols(parser)
    }

    public init(parsing text: String, path: String = "kallsyms") throws(SymbolizationError) {
        try self.init(parsing: Array(text.utf8), path: path)
    }

    /// Parses kallsyms bytes: `ADDRESS TYPE NAME[\t[MODULE]]` per line. Keeps text
    /// symbols (types t, T, w, W), core and module ones.
    ///
    /// Throws `.kernelAddressesHidden` when every address is zero: a reader without
    /// CAP_SYSLOG sees zeros unless `kptr_restrict` is 0 and `perf_event_paranoid` ≤ 1
    /// (kernel/kallsyms.c, `kallsyms_show_value`).
    public init(parsing bytes: [UInt8], path: String = "kallsyms") throws(SymbolizationError) {
        var parser = Parser(path: path)
        try bytes.withUnsafeBufferPointer { (buffer) throws(SymbolizationError) in
            let consumed = try ProcFile.forEachLine(in: buffer) { line throws(SymbolizationError) in
                try parser.parse(line: line)
            }
            if consumed < buffer.count { try parser.parse(line: UnsafeBufferPointer(rebasing: buffer[consumed...])) }
        }
        try self.init(parser)
    }

    private init(_ parser: consuming Parser) throws(SymbolizationError) {
        if parser.sawLine, !parser.sawAddress { throw .kernelAddressesHidden(path: parser.path) }
        modules = parser.moduleNames
        table = parser.builder.build()
    }

    /// The text symbol covering `address`: the nearest one at or below it (kallsyms has no sizes).
    public func symbol(at address: UInt64) -> Symbol? {
        guard let found = table.locate(address) else { return nil }
        let tag = Int(table.tag(at: found.index))
        let name = table.name(at: found.index)
        return Symbol(name: found.inPadding ? "__pfx_" + name : name, module: tag == 0 ? nil : modules[tag - 1],
                      address: start(of: found))
    }

    /// Where the text symbol covering `address` starts (`symbol(at:)`'s address), without
    /// building its name: what kernel lookups are remembered by.
    public func symbolStart(at address: UInt64) -> UInt64? {
        table.locate(address).map(start(of:))
    }

    /// A located symbol's start; its `__pfx_` padding, folded into it, starts earlier.
    private func start(of found: (index: Int, inPadding: Bool)) -> UInt64 {
        table.start(at: found.index) - (found.inPadding ? table.padding(at: found.index) : 0)
    }

    /// Reads kallsyms one line at a time, so lines can come from a whole buffer or a stream.
    private struct Parser {
        let path: String
        var builder = KernelSymbolTable.Builder()
        var moduleNames: [String] = []
        private var moduleTags: [[UInt8]: UInt16] = [:]
        /// A module's symbols come in one run of lines: compare with the previous line's module first.
        private var previousModule: (name: [UInt8], tag: UInt16) = ([], 0)
        private(set) var sawAddress = false
        private(set) var sawLine = false
        private var lineNumber = 0

        init(path: String) { self.path = path }

        mutating func parse(line: UnsafeBufferPointer<UInt8>) throws(SymbolizationError) {
            lineNumber += 1
            guard !line.isEmpty else { return }
            var cursor = ByteCursor(line, from: 0, to: line.count)
            guard let address = cursor.hex(), cursor.skip(UInt8(ascii: " ")),
                  let type = cursor.next(), cursor.skip(UInt8(ascii: " ")), !cursor.isAtEnd
            else {
                throw .malformedLine(path: path, line: lineNumber, text: String(decoding: line, as: UTF8.self))
            }
            sawLine = true
            if address != 0 { sawAddress = true }
            let rank: UInt8
            switch type {
            case UInt8(ascii: "T"): rank = 3
            case UInt8(ascii: "t"): rank = 2
            case UInt8(ascii: "W"): rank = 1
            case UInt8(ascii: "w"): rank = 0
            default: return
            }
            let nameStart = cursor.position
            let nameEnd = line.index(of: UInt8(ascii: "\t"), from: nameStart)
            var tag: UInt16 = 0
            if nameEnd < line.count {
                var moduleStart = nameEnd + 1
                var moduleEnd = line.count
                if line[moduleStart] == UInt8(ascii: "[") { moduleStart += 1 }
                if moduleEnd > moduleStart, line[moduleEnd - 1] == UInt8(ascii: "]") { moduleEnd -= 1 }
                tag = moduleTag(UnsafeBufferPointer(rebasing: line[moduleStart..<moduleEnd]))
            }
            builder.add(start: address, name: UnsafeBufferPointer(rebasing: line[nameStart..<nameEnd]),
                        rank: rank, tag: tag)
        }

        private mutating func moduleTag(_ name: UnsafeBufferPointer<UInt8>) -> UInt16 {
            if previousModule.tag != 0, previousModule.name.elementsEqual(name) { return previousModule.tag }
            let key = Array(name)
            var tag: UInt16 = 0
            if let known = moduleTags[key] {
                tag = known
            } else if moduleNames.count < Int(UInt16.max) {
                moduleNames.append(String(decoding: key, as: UTF8.self))
                tag = UInt16(moduleNames.count)
                moduleTags[key] = tag
            }
            previousModule = (key, tag)
            return tag
        }
    }
}

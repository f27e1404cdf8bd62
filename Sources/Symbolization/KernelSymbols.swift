import Glibc

/// Kernel text symbols from /proc/kallsyms, sorted for lookup by address.
public struct KernelSymbols: Sendable {
    /// One symbol that covers an address.
    public struct Symbol: Hashable, Sendable {
        public var name: String
        /// The loadable module (`kvm`, `bpf` for BPF programs), nil for the core kernel.
        public var module: String?
        public var address: UInt64
    }

    private let index: SymbolIndex
    /// Module names; a symbol's tag is its position here plus one (0: core kernel).
    private let modules: [String]

    public var count: Int { index.count }

    /// Reads and parses /proc/kallsyms (or another file in its format).
    public static func load(path: String = "/proc/kallsyms") throws(SymbolizationError) -> KernelSymbols {
        // Sized for a distribution kernel's ~6 MB so the read loop rarely regrows.
        try KernelSymbols(parsing: ProcFile.readAll(path, initialCapacity: 8 << 20), path: path)
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
        var builder = SymbolIndex.Builder(expectedCount: bytes.count / 40)
        var moduleNames: [String] = []
        var moduleTags: [[UInt8]: UInt16] = [:]
        // A module's symbols come in one run of lines: compare with the previous line's module first.
        var previousModule: (start: Int, end: Int, tag: UInt16) = (0, 0, 0)
        var sawAddress = false
        var sawLine = false
        var failure: SymbolizationError?
        bytes.withUnsafeBufferPointer { buffer in
            var lineStart = 0
            var lineNumber = 0
            while lineStart < buffer.count {
                let lineEnd = buffer.index(of: UInt8(ascii: "\n"), from: lineStart)
                defer { lineStart = lineEnd + 1 }
                lineNumber += 1
                guard lineEnd > lineStart else { continue }
                var cursor = ByteCursor(buffer, from: lineStart, to: lineEnd)
                guard let address = cursor.hex(), cursor.skip(UInt8(ascii: " ")),
                      let type = cursor.next(), cursor.skip(UInt8(ascii: " ")), !cursor.isAtEnd
                else {
                    let text = String(decoding: buffer[lineStart..<lineEnd], as: UTF8.self)
                    failure = .malformedLine(path: path, line: lineNumber, text: text)
                    return
                }
                sawLine = true
                if address != 0 { sawAddress = true }
                let rank: UInt8
                switch type {
                case UInt8(ascii: "T"): rank = 3
                case UInt8(ascii: "t"): rank = 2
                case UInt8(ascii: "W"): rank = 1
                case UInt8(ascii: "w"): rank = 0
                default: continue
                }
                let nameStart = cursor.position
                let nameEnd = buffer.index(of: UInt8(ascii: "\t"), from: nameStart, to: lineEnd)
                var tag: UInt16 = 0
                if nameEnd < lineEnd {
                    var moduleStart = nameEnd + 1
                    var moduleEnd = lineEnd
                    if buffer[moduleStart] == UInt8(ascii: "[") { moduleStart += 1 }
                    if moduleEnd > moduleStart, buffer[moduleEnd - 1] == UInt8(ascii: "]") { moduleEnd -= 1 }
                    let length = moduleEnd - moduleStart
                    if previousModule.tag != 0, previousModule.end - previousModule.start == length,
                       memcmp(buffer.baseAddress! + moduleStart, buffer.baseAddress! + previousModule.start, length) == 0 {
                        tag = previousModule.tag
                    } else if let known = moduleTags[Array(buffer[moduleStart..<moduleEnd])] {
                        tag = known
                    } else if moduleNames.count < Int(UInt16.max) {
                        let key = Array(buffer[moduleStart..<moduleEnd])
                        moduleNames.append(String(decoding: key, as: UTF8.self))
                        tag = UInt16(moduleNames.count)
                        moduleTags[key] = tag
                    }
                    previousModule = (moduleStart, moduleEnd, tag)
                }
                builder.add(start: address, size: 0,
                            name: UnsafeBufferPointer(rebasing: buffer[nameStart..<nameEnd]),
                            rank: rank, tag: tag)
            }
        }
        if let failure { throw failure }
        if sawLine, !sawAddress { throw .kernelAddressesHidden(path: path) }
        index = builder.build()
        modules = moduleNames
    }

    /// The text symbol covering `address`: the nearest one at or below it (kallsyms has no sizes).
    public func symbol(at address: UInt64) -> Symbol? {
        guard let found = index.index(covering: address) else { return nil }
        let tag = Int(index.tag(at: found))
        return Symbol(name: index.name(at: found), module: tag == 0 ? nil : modules[tag - 1],
                      address: index.start(at: found))
    }
}

import ArgumentParser
import FoundationEssentials
import Glibc
import PlatformSupport
import Profile
import Symbolization

/// `make bench` helper (hidden from help): symbolizes unique addresses of ELF files with
/// lines and inlined frames, cold (nothing indexed) and warm (modules indexed, new
/// addresses), and compares time and answers with `eu-addr2line -f -i`.
struct BenchSymbolizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-symbolize", abstract: "Measure symbolization against eu-addr2line.", shouldDisplay: false)

    @Option(name: .customLong("file"), help: "An ELF file to take addresses from (repeatable).")
    var files: [String] = []

    @Option(help: "Unique addresses in all, split evenly over the files (per phase).")
    var count = 20_000

    @Flag(help: "Also run eu-addr2line -f -i on the warm addresses and compare the answers.")
    var compareAddr2line = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one --file") }
        guard (1...1_000_000).contains(count) else { throw ValidationError("--count must be between 1 and 1000000") }
    }

    func run() throws {
        var generator = SplitMix(seed: 0x5eed)
        var cold: [String: [UInt64]] = [:]
        var warm: [String: [UInt64]] = [:]
        let perFile = max(1, count / files.count)
        for file in files {
            let (first, second) = try Self.addresses(in: file, count: perFile, generator: &generator)
            cold[file] = first
            warm[file] = second
        }

        // Raw names: eu-addr2line -f prints names as stored.
        let symbolizer = Symbolizer(options: SymbolizerOptions(demangle: false, maximumDecompressedDWARFBytes: nil),
                                    cache: ModuleCache())
        let clock = ContinuousClock()
        var coldTimes: [String: Duration] = [:]
        for file in files {
            coldTimes[file] = try clock.measure { _ = try symbolizer.symbolizeFile(path: file, addresses: cold[file] ?? []) }
        }
        for file in files { try symbolizer.indexDebugInfo(path: file) }
        var answers: [String: [[Frame]]] = [:]
        var warmTimes: [String: Duration] = [:]
        for file in files {
            warmTimes[file] = try clock.measure { answers[file] = try symbolizer.symbolizeFile(path: file, addresses: warm[file] ?? []) }
        }
        var referenceTimes: [String: Duration] = [:]
        var comparisons: [String: (Comparison, [UInt64])] = [:]
        if compareAddr2line {
            for file in files {
                let addresses = warm[file] ?? []
                var reference: [[Addr2LineFrame]] = []
                referenceTimes[file] = try clock.measure { reference = try Self.runAddr2Line(file: file, addresses: addresses) }
                comparisons[file] = (Comparison(ours: answers[file] ?? [], reference: reference), addresses)
            }
        }

        let total = files.reduce(0) { $0 + (warm[$1]?.count ?? 0) }
        print("symbolize \(total) unique addresses per phase (lines, inlined frames); cold: nothing indexed, warm: modules indexed, new addresses")
        print("| file | addresses | cold ms | warm ms | warm µs/address | eu-addr2line -f -i ms | warm speedup |")
        print("|---|---|---|---|---|---|---|")
        for file in files + (files.count > 1 ? ["all"] : []) {
            let chosen = file == "all" ? files : [file]
            let count = chosen.reduce(0) { $0 + (warm[$1]?.count ?? 0) }
            let coldTime = chosen.reduce(Duration.zero) { $0 + (coldTimes[$1] ?? .zero) }
            let warmTime = chosen.reduce(Duration.zero) { $0 + (warmTimes[$1] ?? .zero) }
            let referenceTime = chosen.reduce(Duration.zero) { $0 + (referenceTimes[$1] ?? .zero) }
            let numbers = String(cFormat: "%d | %.1f | %.1f | %.2f", count,
                                 Self.milliseconds(coldTime), Self.milliseconds(warmTime),
                                 Self.milliseconds(warmTime) * 1000 / Double(max(count, 1)))
            let reference = compareAddr2line ? String(cFormat: "%.1f", Self.milliseconds(referenceTime)) : "-"
            let speedup = compareAddr2line ? String(cFormat: "%.1f×", referenceTime / warmTime) : "-"
            print("| \(Self.basename(file)) | \(numbers) | \(reference) | \(speedup) |")
        }
        for file in files {
            guard let (comparison, addresses) = comparisons[file] else { continue }
            print("answers vs eu-addr2line, \(Self.basename(file)): \(comparison.summary)")
            for example in comparison.examples.prefix(3) {
                print("    differs at 0x\(String(addresses[example.index], radix: 16)): ours \(example.ours) | eu-addr2line \(example.theirs)")
            }
        }
    }

    private static func milliseconds(_ time: Duration) -> Double {
        Double(time.components.seconds) * 1e3 + Double(time.components.attoseconds) / 1e15
    }

    private static func basename(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }

    /// Two disjoint sets of unique addresses inside the file's executable segments.
    private static func addresses(in file: String, count: Int, generator: inout SplitMix) throws -> ([UInt64], [UInt64]) {
        let table: ElfSymbolTable
        do { table = try ElfSymbolTable(path: file) } catch { throw CommandFailure(error.description) }
        let segments = table.segments.filter { $0.isExecutable && $0.fileSize > 0 }
        let size = segments.reduce(0) { $0 + $1.fileSize }
        guard size > UInt64(4 * count) else { throw CommandFailure("\(file) has too little code for \(2 * count) addresses") }
        var seen = Set<UInt64>()
        var picked: [UInt64] = []
        while picked.count < 2 * count {
            var offset = generator.next() % size
            for segment in segments {
                if offset < segment.fileSize {
                    let address = segment.virtualAddress + offset
                    if seen.insert(address).inserted { picked.append(address) }
                    break
                }
                offset -= segment.fileSize
            }
        }
        return (Array(picked[..<count]), Array(picked[count...]))
    }

    struct Addr2LineFrame: Equatable, CustomStringConvertible {
        var function: String?
        var file: String?
        var line: Int?
        var description: String { "\(function ?? "??") \(file ?? "??"):\(line ?? 0)" }
    }

    /// `eu-addr2line -a -f -i`: per address a `0x…` line, then pairs of lines (function,
    /// `file:line:column`) leaf first; the first function may read `NAME inlined at … in CALLER`.
    private static func runAddr2Line(file: String, addresses: [UInt64]) throws -> [[Addr2LineFrame]] {
        guard !file.contains("'") else { throw CommandFailure("\(file): a path with a single quote cannot be passed to eu-addr2line") }
        // The addresses go in on stdin: 20,000 of them are more than one argument list holds.
        let input = try TemporaryAddressList(addresses)
        defer { input.remove() }
        guard let pipe = popen("/usr/bin/eu-addr2line -a -f -i -e '\(file)' < '\(input.path)'", "r") else {
            throw CommandFailure("cannot run eu-addr2line: \(String(cString: strerror(errno)))")
        }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let read = fread(&buffer, 1, buffer.count, pipe)
            if read == 0 { break }
            data.append(contentsOf: buffer[..<read])
        }
        guard pclose(pipe) == 0 else { throw CommandFailure("eu-addr2line failed on \(file)") }
        var chains: [[Addr2LineFrame]] = []
        var pending: String?
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            if line.hasPrefix("0x"), pending == nil {
                chains.append([])
                continue
            }
            guard let name = pending else {
                pending = String(line)
                continue
            }
            pending = nil
            var function = name
            if let inlined = function.firstRange(of: " inlined at ") { function = String(function[..<inlined.lowerBound]) }
            var parts = line.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count >= 3, Int(parts[parts.count - 1]) != nil, Int(parts[parts.count - 2]) != nil { parts.removeLast() }
            let number = parts.count >= 2 ? Int(parts[parts.count - 1]) : nil
            let path = parts.dropLast().joined(separator: ":")
            let known = number != nil && number != 0 && path != "??"
            if chains.isEmpty { chains.append([]) }
            chains[chains.count - 1].append(Addr2LineFrame(function: function == "??" ? nil : function,
                                                           file: known ? path : nil, line: known ? number : nil))
        }
        return chains
    }

    /// Answer by answer: identical, both without an answer, only ours, or different.
    struct Comparison {
        var identical = 0
        var neither = 0
        var oursOnly = 0
        /// Same chain of lines, another name: aliases at one address in code without a DWARF
        /// function (assembly), where the two pick different symbols.
        var otherAlias = 0
        var differing = 0
        var examples: [(index: Int, ours: String, theirs: String)] = []

        init(ours: [[Frame]], reference: [[Addr2LineFrame]]) {
            for (index, chain) in ours.enumerated() {
                let mine = chain.map { frame in
                    Addr2LineFrame(function: frame.function.contains("+0x") ? nil : frame.function,
                                   file: frame.sourceFile, line: frame.line)
                }
                let theirs = index < reference.count ? reference[index] : []
                let mineKnown = mine.contains { $0.function != nil || $0.line != nil }
                let theirsKnown = theirs.contains { $0.line != nil }
                if mine == theirs {
                    if mineKnown { identical += 1 } else { neither += 1 }
                } else if mineKnown && !theirsKnown && theirs.allSatisfy({ $0.line == nil }) {
                    oursOnly += 1
                } else if mine.count == theirs.count, mine.count == 1,
                          zip(mine, theirs).allSatisfy({ $0.file == $1.file && $0.line == $1.line }) {
                    otherAlias += 1
                } else {
                    differing += 1
                    if examples.count < 5 { examples.append((index, "\(mine)", "\(theirs)")) }
                }
            }
        }

        var summary: String {
            "\(identical) identical, \(neither) unknown to both, \(oursOnly) answered only by flametop (eu-addr2line: ??:0), \(otherAlias) same line but another alias name, \(differing) different"
        }
    }
}

/// A small deterministic generator (SplitMix64), so runs pick the same addresses.
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// A file holding one `0x…` address per line, for a child's stdin.
private struct TemporaryAddressList {
    let path: String

    init(_ addresses: [UInt64]) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("flametop-addresses-\(getpid())").path
        let text = addresses.map { "0x" + String($0, radix: 16) }.joined(separator: "\n") + "\n"
        do { try text.write(toFile: path, atomically: false, encoding: .utf8) } catch {
            throw CommandFailure("cannot write \(path): \(FileErrorReason.of(error))")
        }
    }

    func remove() { unlink(path) }
}

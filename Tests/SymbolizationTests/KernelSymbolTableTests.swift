import Testing
@testable import Symbolization

/// The compact table against a plain model: sort everything, best rank then first added at
/// each address, nearest start at or below a probe.
@Suite struct KernelSymbolTableTests {
    struct Entry {
        var start: UInt64
        var name: String
        var rank: UInt8
        var tag: UInt16
    }

    /// SplitMix64: a fixed seed gives the same symbols on every run.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    /// kallsyms-like input: an ascending core run with aliases, then module runs in random
    /// order that revisit earlier addresses; `spread` puts some starts under other upper halves.
    static func entries(seed: UInt64, count: Int, spread: Bool) -> [Entry] {
        var random = SeededGenerator(state: seed)
        var entries: [Entry] = []
        var address: UInt64 = 0xffff_ffff_8100_0000
        for number in 0..<count / 2 {
            if Bool.random(using: &random) || entries.isEmpty { address += UInt64.random(in: 1...0x400, using: &random) }
            entries.append(Entry(start: address, name: "core_\(number)", rank: .random(in: 0...3, using: &random), tag: 0))
        }
        for number in count / 2..<count {
            let start: UInt64
            switch Int.random(in: 0..<10, using: &random) {
            case 0: start = entries.randomElement(using: &random)!.start
            case 1 where spread: start = UInt64.random(in: 0x1000...0xffff_8000_0000_0000, using: &random)
            case 2: start = .max - UInt64.random(in: 0...2, using: &random)
            default: start = 0xffff_ffff_c000_0000 + UInt64.random(in: 0..<0x10_0000, using: &random)
            }
            entries.append(Entry(start: start, name: "module_\(number)", rank: .random(in: 0...3, using: &random),
                                 tag: .random(in: 1...20, using: &random)))
        }
        return entries
    }

    static func build(_ entries: [Entry], builder: KernelSymbolTable.Builder) -> KernelSymbolTable {
        var builder = builder
        for entry in entries {
            Array(entry.name.utf8).withUnsafeBufferPointer {
                builder.add(start: entry.start, name: $0, rank: entry.rank, tag: entry.tag)
            }
        }
        return builder.build()
    }

    static func expected(_ entries: [Entry], at address: UInt64) -> Entry? {
        guard address != .max else { return nil }
        let below = entries.filter { $0.start <= address }
        guard let nearest = below.map(\.start).max() else { return nil }
        let candidates = below.filter { $0.start == nearest }
        let best = candidates.map(\.rank).max()
        return candidates.first { $0.rank == best }
    }

    @Test(arguments: [(1, false), (2, true), (3, false), (4, true)])
    func matchesModel(seed: UInt64, spread: Bool) {
        let entries = Self.entries(seed: seed, count: 1500, spread: spread)
        // Tiny reservations make every buffer outgrow its mapping and move.
        let tiny = Self.build(entries, builder: .init(reservedSymbols: 1, reservedNameBytes: 1))
        let roomy = Self.build(entries, builder: .init())
        let distinct = Set(entries.map(\.start))
        #expect(tiny.count == distinct.subtracting([.max]).count)
        #expect(roomy.count == tiny.count)
        var probes: Set<UInt64> = [0, 1, .max]
        for entry in entries { probes.formUnion([entry.start &- 1, entry.start, entry.start &+ 1]) }
        var mismatches: [String] = []
        for probe in probes {
            let want = Self.expected(entries, at: probe)
            for table in [tiny, roomy] {
                let found = table.locate(probe).map(\.index)
                let got = found.map { Entry(start: table.start(at: $0), name: table.name(at: $0), rank: 0,
                                            tag: table.tag(at: $0)) }
                if got?.start != want?.start || got?.name != want?.name || got?.tag != want?.tag {
                    mismatches.append("\(String(probe, radix: 16)): \(got?.name ?? "nil") != \(want?.name ?? "nil")")
                }
            }
        }
        #expect(mismatches.count == 0, "first mismatches: \(mismatches.prefix(5))")
    }

    @Test func emptyAndTooLongNames() {
        var builder = KernelSymbolTable.Builder()
        builder.add(start: 0x1000, name: UnsafeBufferPointer(start: nil, count: 0), rank: 3, tag: 0)
        let long = [UInt8](repeating: UInt8(ascii: "n"), count: 70_000)
        long.withUnsafeBufferPointer { builder.add(start: 0x2000, name: $0, rank: 3, tag: 0) }
        let table = builder.build()
        #expect(table.count == 1, "an empty name adds nothing")
        #expect(table.locate(0x1800) == nil)
        #expect(table.name(at: 0).utf8.count == Int(UInt16.max))
    }

    @Test func mappedBufferGrowsPastItsReservation() {
        let buffer = MappedBuffer<UInt32>(reservingCapacity: 1)
        for value in 0..<100_000 { buffer.append(UInt32(value)) }
        let more = (0..<5000).map { UInt32($0) + 1_000_000 }
        more.withUnsafeBufferPointer { buffer.append(contentsOf: $0) }
        #expect(buffer.count == 105_000)
        #expect((0..<100_000).allSatisfy { buffer[$0] == UInt32($0) })
        #expect(buffer[100_000] == 1_000_000 && buffer.last == 1_004_999)
        buffer.truncate(to: 10)
        buffer.shrinkToFit()
        buffer.append(42)
        #expect(buffer.count == 11 && buffer[9] == 9 && buffer[10] == 42)
    }

    @Test func addressColumnWidensForAnotherUpperHalf() {
        var column = AddressColumn(reservingCapacity: 4)
        column.append(0xffff_ffff_8100_0000)
        column.append(0xffff_ffff_8100_0010)
        #expect(column.lastPosition(atOrBelow: 0xffff_ffff_8100_0008) == 0)
        #expect(column.lastPosition(atOrBelow: 0xffff_fffe_ffff_ffff) == nil)
        #expect(column.lastPosition(atOrBelow: 0xffff_ffff_ffff_ffff) == 1)
        column.append(0x1_0000_0000)
        #expect((0..<3).map { column[$0] } == [0xffff_ffff_8100_0000, 0xffff_ffff_8100_0010, 0x1_0000_0000])
        column[2] = 0xffff_ffff_ffff_0000
        #expect(column.lastPosition(atOrBelow: 0xffff_ffff_ffff_0001) == 2)
    }
}

import Pprof
import Profile
import Testing

/// Off-CPU and wall profiles: counts in microseconds, written as nanoseconds of one
/// sample type, read back in microseconds.
@Suite struct PprofTimeKindTests {
    static let frames = [Frame(function: "main", module: "app"), Frame(function: "wait_for_io", module: "app")]
    static let pairs: [(Stack, UInt64)] = [(Stack(frames, thread: ThreadLabel(pid: 7, tid: 7)), 1_500_000),
                                           (Stack(Array(frames.prefix(1)), thread: ThreadLabel(pid: 7, tid: 8)), 250)]
    static let counts = StackCounts(pairs)

    static func typeNames(_ profile: Perftools_Profiles_Profile) -> (sample: [String], period: String) {
        let strings: [String] = profile.stringTable
        func name(_ type: Perftools_Profiles_ValueType) -> String { strings[Int(type.type)] + "/" + strings[Int(type.unit)] }
        return (profile.sampleType.map(name), name(profile.periodType))
    }

    @Test(arguments: [(PprofValueKind.offCPUMicroseconds, "off_cpu"), (.wallMicroseconds, "wall")])
    func timeProfilesHaveOneSampleTypeInNanoseconds(kind: PprofValueKind, type: String) throws {
        let metadata = PprofMetadata(frequency: 99, kind: kind)
        let profile = PprofWriter(metadata: metadata).profile(Self.counts)
        let names = Self.typeNames(profile)
        #expect(names.sample == ["\(type)/nanoseconds"])
        #expect(names.period == "\(type)/nanoseconds")
        // Off-CPU time is not sampled: its period is the counts' resolution; wall's on-CPU half is sampled at 99 Hz.
        #expect(profile.period == (kind == .offCPUMicroseconds ? 1_000 : 10_101_010))
        let values: [[Int64]] = profile.sample.map { $0.value }
        #expect(values == [[1_500_000_000], [250_000]])

        let read = try PprofReader().read(try profile.serializedBytes())
        #expect(read.kind == kind)
        #expect(read.sampleType == type && read.sampleUnit == "nanoseconds")
        #expect(read.counts == Self.counts, "read back in microseconds, as the folded file counts")
    }

    @Test func cpuProfilesKeepBothSampleTypes() throws {
        let profile = PprofWriter(metadata: PprofMetadata(frequency: 100)).profile(Self.counts)
        #expect(Self.typeNames(profile).sample == ["samples/count", "cpu/nanoseconds"])
        #expect(try PprofReader().read(try profile.serializedBytes()).kind == .cpuSamples)
    }

    @Test func anotherToolsNanosecondsRoundToMicroseconds() throws {
        var profile = PprofWriter(metadata: PprofMetadata(frequency: 0, kind: .offCPUMicroseconds)).profile(Self.counts)
        profile.sample[0].value = [1_499]
        profile.sample[1].value = [Int64.max]
        let read = try PprofReader().read(profile)
        let values: [UInt64] = read.counts.counts.values.sorted()
        #expect(values == [1, UInt64(Int64.max / 1_000 + 1)])
    }
}

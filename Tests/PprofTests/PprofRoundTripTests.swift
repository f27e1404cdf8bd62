import Gzip
import Pprof
import Profile
import Testing

@Suite struct PprofRoundTripTests {
    static let libc = CodeMapping(start: 0x7f00_0000_0000, limit: 0x7f00_0001_0000, fileOffset: 0x2_8000,
                                  file: "/usr/lib/x86_64-linux-gnu/libc.so.6", buildID: "a1b2c3")
    static let app = CodeMapping(start: 0x5555_0000_0000, limit: 0x5555_0000_4000, fileOffset: 0x1000,
                                 file: "/opt/app/bin/app", buildID: "00ff10")
    static let kernel = CodeMapping(start: 0xffff_ffff_8100_0000, limit: .max, fileOffset: 0,
                                    file: CodeMapping.kernelFileName, buildID: "deadbeef")

    static func frame(_ name: String, _ mapping: CodeMapping, _ address: UInt64, kind: Frame.Kind = .user,
                      inlined: Bool = false, file: String? = nil, line: Int? = nil, system: String? = nil) -> Frame {
        let module = kind == .kernel ? "[kernel]" : String(mapping.file.split(separator: "/").last!)
        return Frame(function: name, module: module, kind: kind, isInlined: inlined, sourceFile: file, line: line,
                     forms: system.map { NameForms(short: name, systemName: $0) }, address: address, mapping: mapping)
    }

    /// root → leaf: main, then `hot` at one address with `square` inlined into it, then a
    /// syscall in the kernel.
    static let sample = StackCounts(samplePairs)
    static let samplePairs: [(Stack, UInt64)] = [
        (Stack([frame("__libc_start_call_main", libc, 0x7f00_0000_1234),
                frame("main", app, 0x5555_0000_0100, file: "/src/app.c", line: 30),
                frame("hot(int)", app, 0x5555_0000_0200, file: "/src/app.c", line: 12, system: "_Z3hoti"),
                frame("square", app, 0x5555_0000_0200, inlined: true, file: "/src/math.h", line: 3)]), 70),
        (Stack([frame("__libc_start_call_main", libc, 0x7f00_0000_1234),
                frame("main", app, 0x5555_0000_0100, file: "/src/app.c", line: 30),
                frame("write", libc, 0x7f00_0000_5000),
                frame("entry_SYSCALL_64", kernel, 0xffff_ffff_8200_0000, kind: .kernel),
                frame("ksys_write", kernel, 0xffff_ffff_8210_0000, kind: .kernel)]), 25),
        (Stack([Frame(function: "[lost user stack: unreadable]")]), 5),
    ]

    static let metadata = PprofMetadata(frequency: 99, timeNanos: 1_700_000_000_000_000_000,
                                        durationNanos: 10_000_000_000,
                                        labels: SampleLabels(pid: 4242, comm: "app"))

    @Test func readingWhatWasWrittenGivesTheSameStacksAndCounts() throws {
        let bytes = try PprofWriter(metadata: Self.metadata).encode(Self.sample)
        let read = try PprofReader().read(bytes)
        #expect(read.counts == Self.sample)
        #expect(read.sampleType == "samples" && read.sampleUnit == "count")
        #expect(read.periodType == "cpu" && read.periodUnit == "nanoseconds")
        #expect(read.period == 10_101_010)
        #expect(read.timeNanos == Self.metadata.timeNanos && read.durationNanos == Self.metadata.durationNanos)
        let cpu = try PprofReader(sampleType: "cpu").read(bytes)
        #expect(cpu.counts.totalSamples == 100 * 10_101_010)
    }

    @Test func addressesMappingsAndSystemNamesSurvive() throws {
        let read = try PprofReader().read(try PprofWriter(metadata: Self.metadata).encode(Self.sample))
        let hot: Stack = try #require(read.counts.counts.first { $0.value == 70 }?.key)
        let addresses: [UInt64] = hot.frames.map { $0.address }
        #expect(addresses == [0x7f00_0000_1234, 0x5555_0000_0100, 0x5555_0000_0200, 0x5555_0000_0200])
        #expect(hot.frames[2].mapping == Self.app)
        #expect(hot.frames[2].forms?.systemName == "_Z3hoti")
        #expect(hot.frames[3].isInlined && !hot.frames[2].isInlined)
        let syscall: Stack = try #require(read.counts.counts.first { $0.value == 25 }?.key)
        #expect(syscall.frames.last?.mapping == Self.kernel)
        #expect(syscall.frames.last?.kind == .kernel)
    }

    @Test func theMessageFollowsTheFormat() throws {
        let profile = PprofWriter(metadata: Self.metadata).profile(Self.sample)
        let strings: [String] = profile.stringTable
        func text(_ index: Int64) -> String { strings[Int(index)] }
        func typeName(_ type: Perftools_Profiles_ValueType) -> String { text(type.type) + "/" + text(type.unit) }
        #expect(strings.first == "")
        let types: [String] = profile.sampleType.map(typeName)
        #expect(types == ["samples/count", "cpu/nanoseconds"])
        #expect(typeName(profile.periodType) == "cpu/nanoseconds")
        // One location per address: `hot` and the inlined `square` share one, leaf first.
        let addresses: [UInt64] = profile.location.map { $0.address }
        #expect(Set(addresses).count == addresses.count)
        let hot: Perftools_Profiles_Location = try #require(profile.location.first { $0.address == 0x5555_0000_0200 })
        let names: [String] = hot.line.map { text(profile.function[Int($0.functionID) - 1].name) }
        #expect(names == ["square", "hot(int)"])
        let lines: [Int64] = hot.line.map { $0.line }
        #expect(lines == [3, 12])
        let function: Perftools_Profiles_Function = try #require(profile.function.first { text($0.name) == "hot(int)" })
        #expect(text(function.systemName) == "_Z3hoti")
        #expect(text(function.filename) == "/src/app.c")
        // Mappings with their build-ids; the lost-stack marker has none.
        let buildIDs: Set<String> = Set(profile.mapping.map { text($0.buildID) })
        #expect(buildIDs == ["a1b2c3", "00ff10", "deadbeef"])
        #expect(profile.mapping.allSatisfy { $0.hasFunctions_p && $0.hasInlineFrames_p })
        let kernel: Perftools_Profiles_Mapping = try #require(profile.mapping.first { text($0.filename) == "[kernel.kallsyms]" })
        #expect(kernel.memoryStart == 0xffff_ffff_8100_0000)
        // Values: count and count × period; labels on every sample.
        let period: Int64 = 10_101_010
        let values: [[Int64]] = profile.sample.map { $0.value }
        #expect(values == [[70, 70 * period], [25, 25 * period], [5, 5 * period]])
        for sample in profile.sample {
            let keys: [String] = sample.label.map { text($0.key) }
            let labelValues: [String] = sample.label.map { $0.str == 0 ? String($0.num) : text($0.str) }
            #expect(keys == ["pid", "comm"])
            #expect(labelValues == ["4242", "app"])
        }
    }

    @Test func equalProfilesGiveEqualBytes() throws {
        let writer = PprofWriter(metadata: Self.metadata)
        let pairs: [(Stack, UInt64)] = Self.sample.counts.map { ($0.key, $0.value) }
        let reordered = StackCounts(pairs.reversed())
        #expect(try writer.encode(Self.sample) == writer.encode(reordered))
    }

    @Test func processRootsBecomeCommLabelsAndComeBack() throws {
        let systemPairs: [(Stack, UInt64)] = [
            (Stack([Frame(function: "bash", kind: .process), Frame(function: "main", module: "bash"),
                    Frame(function: "read", kind: .kernel)]), 3),
            (Stack([Frame(function: "app", kind: .process), Frame(function: "main", module: "app")]), 7),
        ]
        let system = StackCounts(systemPairs)
        let profile = PprofWriter(metadata: PprofMetadata(frequency: 1000)).profile(system)
        let strings: [String] = profile.stringTable
        let functionNames: [String] = profile.function.map { strings[Int($0.name)] }.sorted()
        #expect(functionNames == ["main", "read"])
        let comms: [String] = profile.sample.map { strings[Int($0.label[0].str)] }
        #expect(comms == ["app", "bash"])
        let read = try PprofReader().read(try profile.serializedBytes())
        // Frames read from folded text have no address; module and kernel kind survive
        // through placeholder mappings (kernel frames read back with the `[kernel]` module).
        let expectedPairs: [(Stack, UInt64)] = [
            (Stack([Frame(function: "bash", kind: .process), Frame(function: "main", module: "bash"),
                    Frame(function: "read", module: "[kernel]", kind: .kernel)]), 3),
            (Stack([Frame(function: "app", kind: .process), Frame(function: "main", module: "app")]), 7),
        ]
        #expect(read.counts == StackCounts(expectedPairs))
        #expect(try PprofReader(processRoots: .never).read(try profile.serializedBytes()).counts.counts.keys
            .allSatisfy { $0.frames.first?.kind != .process })
    }

    @Test func threadsBecomePidAndThreadLabelsAndComeBack() throws {
        let frames = [Frame(function: "main", module: "app"), Frame(function: "work", module: "app")]
        let pairs: [(Stack, UInt64)] = [(Stack(frames, thread: ThreadLabel(pid: 10, tid: 10)), 3),
                                        (Stack(frames, thread: ThreadLabel(pid: 10, tid: 11)), 5)]
        let threaded = StackCounts(pairs)
        let profile = PprofWriter(metadata: PprofMetadata(frequency: 99, labels: SampleLabels(pid: 10, comm: "app")))
            .profile(threaded)
        let strings: [String] = profile.stringTable
        let threads: [Int64] = profile.sample.map { sample in sample.label.first { strings[Int($0.key)] == "thread" }?.num ?? -1 }
        #expect(threads == [11, 10])
        #expect(profile.location.count == 2, "the threads share their locations")
        let read = try PprofReader().read(try profile.serializedBytes())
        #expect(read.counts == threaded)
        #expect(FoldedWriter().write(read.counts) == "main;work 8\n", "folded merges the threads")
    }

    @Test func recursionAtOneAddressKeepsEveryFrame() throws {
        let f = Self.frame("f", Self.app, 0x5555_0000_0300)
        let recursivePairs: [(Stack, UInt64)] = [(Stack([f, f, f]), 4)]
        let recursive = StackCounts(recursivePairs)
        let profile = PprofWriter(metadata: Self.metadata).profile(recursive)
        #expect(profile.location.count == 1)
        #expect(profile.sample[0].locationID == [UInt64](repeating: 1, count: 3))
        #expect(try PprofReader().read(try profile.serializedBytes()).counts == recursive)
    }

    @Test func gzippedFilesReadBack() throws {
        let bytes = try PprofWriter(metadata: Self.metadata).encode(Self.sample)
        let gzipped = try Gzip.compress(bytes)
        #expect(Gzip.isCompressed(gzipped) && !Gzip.isCompressed(bytes))
        #expect(try Gzip.decompressIfNeeded(gzipped) == bytes)
        #expect(try Gzip.decompressIfNeeded(bytes) == bytes)
    }

    @Test func brokenInputIsRefusedWithAReason() throws {
        #expect(throws: PprofError.self) { try PprofReader().read([0xff, 0xff, 0xff]) }
        var profile = PprofWriter(metadata: Self.metadata).profile(Self.sample)
        profile.sample[0].locationID.append(999)
        #expect(throws: PprofError.dangling(what: "location", id: 999)) { try PprofReader().read(profile) }
        #expect(throws: PprofError.unknownSampleType("wall", available: ["samples", "cpu"])) {
            try PprofReader(sampleType: "wall").read(PprofWriter(metadata: Self.metadata).profile(Self.sample))
        }
    }
}

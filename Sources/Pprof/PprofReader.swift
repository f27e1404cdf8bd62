import Profile
import SwiftProtobuf

/// Reads a pprof profile (the protobuf, already gunzipped) into stack counts, for
/// `flametop view`: flametop's own files and any other tool's (Go's runtime/pprof,
/// net/http/pprof, perf_to_profile).
///
/// One value of each sample becomes its count: the sample type asked for, else the
/// profile's default, else `samples` when there is one (a CPU profile's sample count),
/// else the last (pprof's own default). A location's lines become frames, the last line
/// the function and those before it inlined into it; frames in the `[kernel.kallsyms]`
/// mapping are kernel frames. Off-CPU and wall profiles (`off_cpu`/`wall` in nanoseconds,
/// as flametop writes them) come back in microseconds, the unit of their folded files, so
/// `view` shows a profile's pprof and folded files with the same counts.
public struct PprofReader: Sendable {
    /// When to put a `.process` root (the `comm` label) above each stack.
    public enum ProcessRoots: Sendable, Equatable {
        /// When the samples carry more than one process (`pid` or `comm` labels differ):
        /// a system-wide profile, shown one root per process as flametop records them.
        case automatic
        case always
        case never
    }

    /// A profile's stacks and what they count.
    public struct Contents: Sendable {
        public var counts: StackCounts
        /// The sample type the counts are (`samples`/`count`, `cpu`/`nanoseconds`, `alloc_space`/`bytes`, …).
        public var sampleType: String
        public var sampleUnit: String
        /// What the counts are when the sample type is one flametop writes (nil: another
        /// tool's type, counts as the file holds them).
        public var kind: PprofValueKind?
        /// Period type and period (cpu/nanoseconds and 1e9 / Hz for a CPU profile).
        public var periodType: String
        public var periodUnit: String
        public var period: Int64
        public var timeNanos: Int64
        public var durationNanos: Int64
        public var comments: [String]
    }

    public var sampleType: String?
    public var processRoots: ProcessRoots

    public init(sampleType: String? = nil, processRoots: ProcessRoots = .automatic) {
        self.sampleType = sampleType
        self.processRoots = processRoots
    }

    public func read(_ bytes: [UInt8]) throws(PprofError) -> Contents {
        let profile: Perftools_Profiles_Profile
        do {
            profile = try Perftools_Profiles_Profile(serializedBytes: bytes)
        } catch {
            throw .notAProfile(String(describing: error))
        }
        return try read(profile)
    }

    public func read(_ profile: Perftools_Profiles_Profile) throws(PprofError) -> Contents {
        let strings = profile.stringTable
        func string(_ index: Int64) throws(PprofError) -> String {
            guard index >= 0, index < strings.count else {
                if index == 0 { return "" }
                throw .badStringIndex(index)
            }
            return strings[Int(index)]
        }
        let types = try profile.sampleType.map { (type) throws(PprofError) in (try string(type.type), try string(type.unit)) }
        let valueIndex = try chooseValue(types: types.map(\.0), defaultType: try string(profile.defaultSampleType))
        let kind = PprofValueKind(sampleType: types[valueIndex].0, unit: types[valueIndex].1)
        // Time kinds are written as µs × 1000; rounding keeps another tool's sub-µs values honest.
        let divisor: Int64 = kind?.countsTime == true ? PprofValueKind.nanosecondsPerMicrosecond : 1

        let mappings = try mappingTable(profile, string: string)
        let functions = try functionTable(profile, string: string)
        var locations: [UInt64: [Frame]] = [:]
        locations.reserveCapacity(profile.location.count)
        for location in profile.location {
            locations[location.id] = try frames(of: location, mappings: mappings, functions: functions)
        }

        let commKey = strings.firstIndex(of: SampleLabels.commKey).map(Int64.init)
        let pidKey = strings.firstIndex(of: SampleLabels.pidKey).map(Int64.init)
        let threadKey = strings.firstIndex(of: SampleLabels.threadKey).map(Int64.init)
        let threadNameKey = strings.firstIndex(of: SampleLabels.threadNameKey).map(Int64.init)
        let roots: Bool
        switch processRoots {
        case .always: roots = true
        case .never: roots = false
        case .automatic: roots = Self.hasSeveralProcesses(profile, commKey: commKey, pidKey: pidKey)
        }

        var counts = StackCounts()
        for (number, sample) in profile.sample.enumerated() {
            guard valueIndex < sample.value.count else { continue }
            let value = sample.value[valueIndex]
            guard value >= 0 else { throw .negativeValue(sample: number, value: value) }
            var frames: [Frame] = []
            if roots {
                let comm = try sample.label.first { $0.key == commKey && commKey != nil }.map { (label) throws(PprofError) in
                    try string(label.str)
                }
                frames.append(Frame(function: comm ?? "[unknown]", kind: .process))
            }
            for id in sample.locationID.reversed() {
                guard let located = locations[id] else { throw .dangling(what: "location", id: id) }
                frames.append(contentsOf: located)
            }
            // A `thread` label (with its `pid`) keeps the stack apart per thread, as recorded.
            var thread: ThreadLabel?
            if let threadKey, let tid = sample.label.first(where: { $0.key == threadKey })?.num {
                let pid = pidKey.flatMap { key in sample.label.first { $0.key == key }?.num } ?? 0
                let name = threadNameKey.flatMap { key in sample.label.first { $0.key == key } }
                    .flatMap { Int($0.str) }.flatMap { strings.indices.contains($0) ? strings[$0] : nil }
                thread = ThreadLabel(pid: Int32(truncatingIfNeeded: pid), tid: Int32(truncatingIfNeeded: tid), name: name)
            }
            let count = value / divisor + (value % divisor >= (divisor + 1) / 2 && divisor > 1 ? 1 : 0)
            counts.add(Stack(frames, thread: thread), count: UInt64(count))
        }
        return Contents(counts: counts, sampleType: types[valueIndex].0, sampleUnit: types[valueIndex].1, kind: kind,
                        periodType: try string(profile.periodType.type), periodUnit: try string(profile.periodType.unit),
                        period: profile.period, timeNanos: profile.timeNanos, durationNanos: profile.durationNanos,
                        comments: try profile.comment.map { (index) throws(PprofError) in try string(index) })
    }

    private func chooseValue(types: [String], defaultType: String) throws(PprofError) -> Int {
        guard !types.isEmpty else { throw .noSampleTypes }
        if let sampleType {
            guard let index = types.firstIndex(of: sampleType) else {
                throw .unknownSampleType(sampleType, available: types)
            }
            return index
        }
        if !defaultType.isEmpty, let index = types.firstIndex(of: defaultType) { return index }
        if let index = types.firstIndex(of: "samples") { return index }
        return types.count - 1
    }

    private static func hasSeveralProcesses(_ profile: Perftools_Profiles_Profile, commKey: Int64?, pidKey: Int64?) -> Bool {
        var comms = Set<Int64>(), pids = Set<Int64>()
        for sample in profile.sample {
            for label in sample.label {
                if label.key == commKey { comms.insert(label.str) }
                if label.key == pidKey { pids.insert(label.num) }
            }
            if comms.count > 1 || pids.count > 1 { return true }
        }
        return false
    }

    private func mappingTable(_ profile: Perftools_Profiles_Profile,
                              string: (Int64) throws(PprofError) -> String) throws(PprofError) -> [UInt64: CodeMapping] {
        var mappings: [UInt64: CodeMapping] = [:]
        for mapping in profile.mapping {
            let buildID = try string(mapping.buildID)
            mappings[mapping.id] = CodeMapping(start: mapping.memoryStart, limit: mapping.memoryLimit,
                                               fileOffset: mapping.fileOffset, file: try string(mapping.filename),
                                               buildID: buildID.isEmpty ? nil : buildID)
        }
        return mappings
    }

    private struct FunctionEntry {
        var name: String
        var forms: NameForms?
        var file: String?
    }

    private func functionTable(_ profile: Perftools_Profiles_Profile,
                               string: (Int64) throws(PprofError) -> String) throws(PprofError) -> [UInt64: FunctionEntry] {
        var functions: [UInt64: FunctionEntry] = [:]
        for function in profile.function {
            let name = try string(function.name)
            let systemName = try string(function.systemName)
            let file = try string(function.filename)
            let forms = systemName.isEmpty || systemName == name
                ? nil : NameForms(short: ShortName.of(name), systemName: systemName)
            functions[function.id] = FunctionEntry(name: name.isEmpty ? systemName : name, forms: forms,
                                                   file: file.isEmpty ? nil : file)
        }
        return functions
    }

    /// A location's frames root → leaf: its function first, then the calls inlined into it.
    private func frames(of location: Perftools_Profiles_Location, mappings: [UInt64: CodeMapping],
                        functions: [UInt64: FunctionEntry]) throws(PprofError) -> [Frame] {
        var mapping: CodeMapping?
        if location.mappingID != 0 {
            guard let found = mappings[location.mappingID] else { throw .dangling(what: "mapping", id: location.mappingID) }
            mapping = found
        }
        let isKernel = mapping?.file == CodeMapping.kernelFileName
        let module: String? = isKernel ? "[kernel]" : mapping.map { Self.moduleName($0.file) }
        let kind: Frame.Kind = isKernel ? .kernel : .user
        guard !location.line.isEmpty else {
            // Not symbolized: the address is all there is, named as the symbolizer names unknowns.
            let base = mapping.map { location.address >= $0.start ? location.address - $0.start + $0.fileOffset : location.address }
                ?? location.address
            return [Frame(function: "\(module ?? "[unknown]")+0x\(String(base, radix: 16))", module: module, kind: kind,
                          address: location.address, mapping: mapping)]
        }
        var frames: [Frame] = []
        frames.reserveCapacity(location.line.count)
        for (position, line) in location.line.enumerated().reversed() {
            guard let function = functions[line.functionID] else { throw .dangling(what: "function", id: line.functionID) }
            frames.append(Frame(function: function.name, module: module, kind: kind,
                                isInlined: position < location.line.count - 1,
                                sourceFile: function.file, line: line.line > 0 ? Int(line.line) : nil,
                                forms: function.forms, address: location.address, mapping: mapping))
        }
        return frames
    }

    /// A mapping's file as frames show their module: the basename, or a bracketed name as is.
    static func moduleName(_ file: String) -> String {
        guard !file.hasPrefix("["), let slash = file.lastIndex(of: "/") else { return file }
        return String(file[file.index(after: slash)...])
    }
}

import Profile
import SwiftProtobuf

/// Writes stack counts as a pprof profile (github.com/google/pprof, proto/README.md): what
/// `go tool pprof`, Parca, Pyroscope and Speedscope read. The bytes are the protobuf
/// itself; files and HTTP answers gzip them (`Gzip.compress`), as the ecosystem expects.
///
/// - Sample types `samples/count` and `cpu/nanoseconds` (count × period), the period
///   `cpu/nanoseconds` 1e9 / Hz; off-CPU and wall profiles (counts in µs) one sample type,
///   `off_cpu/nanoseconds` or `wall/nanoseconds` (see `PprofValueKind`).
/// - One location per address (and mapping), its inlined frames as lines, leaf first.
///   Frames without an address (read from a folded file, markers) get a location per
///   distinct group of frames instead.
/// - Functions with the readable name, the stored (mangled) name and the source file.
/// - Kernel frames in one `[kernel.kallsyms]` mapping; other frames without a mapping but
///   with a module in a placeholder mapping named after it (address range 0).
/// - A stack's `.process` root becomes the sample's `comm` label, not a location; its
///   thread (when the session kept threads apart) the `pid` and `thread` labels.
public struct PprofWriter: Sendable {
    public var metadata: PprofMetadata

    public init(metadata: PprofMetadata) {
        self.metadata = metadata
    }

    /// The sample types of an on-CPU profile.
    public static let sampleTypes: [(type: String, unit: String)] = PprofValueKind.cpuSamples.sampleTypes

    /// The serialized profile (not compressed).
    public func encode(_ counts: StackCounts) throws(PprofError) -> [UInt8] {
        do {
            return try profile(counts).serializedBytes()
        } catch {
            throw .cannotEncode(String(describing: error))
        }
    }

    /// The profile message. Samples come in a fixed order (count, highest first, then the
    /// frames), so equal profiles give equal bytes.
    public func profile(_ counts: StackCounts) -> Perftools_Profiles_Profile {
        var builder = Builder(kernelMapping: Self.kernelMapping(in: counts))
        var profile = Perftools_Profiles_Profile()
        let kind = metadata.kind
        let period = metadata.periodNanos
        // No default_sample_type: pprof's tools then show the last type (cpu time, as for Go's CPU profiles).
        let types = kind.sampleTypes
        profile.sampleType = types.map { builder.valueType($0.type, $0.unit) }
        profile.periodType = builder.valueType(kind.periodType.type, kind.periodType.unit)
        profile.period = metadata.period
        profile.timeNanos = metadata.timeNanos
        profile.durationNanos = metadata.durationNanos
        profile.comment = metadata.comments.map { builder.strings.index($0) }

        for (stack, count) in Self.ordered(counts) {
            var sample = Perftools_Profiles_Sample()
            sample.locationID = builder.locations(of: stack)
            let units = Int64(clamping: count)
            if kind.countsTime {
                let (nanoseconds, overflow) = units.multipliedReportingOverflow(by: PprofValueKind.nanosecondsPerMicrosecond)
                sample.value = [overflow ? .max : nanoseconds]
            } else {
                let (nanoseconds, overflow) = units.multipliedReportingOverflow(by: period)
                sample.value = [units, overflow ? .max : nanoseconds]
            }
            var labels = metadata.labels
            if let root = stack.frames.first, root.kind == .process { labels.comm = root.function }
            if let thread = stack.thread {
                labels.pid = Int64(thread.pid)
                labels.thread = Int64(thread.tid)
                labels.threadName = thread.name
            }
            sample.label = builder.labels(labels)
            profile.sample.append(sample)
        }
        profile.mapping = builder.mappings
        profile.location = builder.locationMessages
        profile.function = builder.functions
        profile.stringTable = builder.strings.strings
        return profile
    }

    /// Count, highest first; ties by the frames' names, so the order never depends on the
    /// dictionary's.
    static func ordered(_ counts: StackCounts) -> [(Stack, UInt64)] {
        counts.counts.map { ($0.key, $0.value) }.sorted { left, right in
            if left.1 != right.1 { return left.1 > right.1 }
            return left.0.frames.lexicographicallyPrecedes(right.0.frames) { $0.function < $1.function }
        }
    }

    /// The kernel's mapping the symbolizer gave frames, if any: kernel frames without one
    /// (markers, frames from folded files) join it.
    static func kernelMapping(in counts: StackCounts) -> CodeMapping {
        for stack in counts.counts.keys {
            for frame in stack.frames where frame.kind == .kernel {
                if let mapping = frame.mapping, mapping.file == CodeMapping.kernelFileName { return mapping }
            }
        }
        return CodeMapping(start: 0, limit: 0, fileOffset: 0, file: CodeMapping.kernelFileName)
    }
}

extension PprofWriter {
    /// The tables of one profile as they fill.
    struct Builder {
        var strings = PprofStringTable()
        private(set) var mappings: [Perftools_Profiles_Mapping] = []
        private(set) var locationMessages: [Perftools_Profiles_Location] = []
        private(set) var functions: [Perftools_Profiles_Function] = []
        private var mappingIDs: [CodeMapping: UInt64] = [:]
        private var placeholderMappings: [String: CodeMapping] = [:]
        private var locationIDs: [LocationKey: UInt64] = [:]
        private var functionIDs: [FunctionKey: UInt64] = [:]
        private var labelCache: [SampleLabels: [Perftools_Profiles_Label]] = [:]
        private let kernelMapping: CodeMapping

        init(kernelMapping: CodeMapping) {
            self.kernelMapping = kernelMapping
        }

        mutating func valueType(_ type: String, _ unit: String) -> Perftools_Profiles_ValueType {
            var value = Perftools_Profiles_ValueType()
            value.type = strings.index(type)
            value.unit = strings.index(unit)
            return value
        }

        /// Location ids leaf first. Walking from the leaf, a location takes the inlined
        /// frames of one address and ends with the function they were inlined into.
        mutating func locations(of stack: Stack) -> [UInt64] {
            var ids: [UInt64] = []
            var group: [Frame] = []
            for frame in stack.frames.reversed() where frame.kind != .process {
                if let first = group.first, first.address != frame.address || first.mapping !== frame.mapping {
                    // An inlined frame whose caller is at another address: close the group as it is.
                    ids.append(location(of: group))
                    group.removeAll(keepingCapacity: true)
                }
                group.append(frame)
                if !frame.isInlined {
                    ids.append(location(of: group))
                    group.removeAll(keepingCapacity: true)
                }
            }
            if !group.isEmpty { ids.append(location(of: group)) }
            return ids
        }

        /// The location of frames leaf first (the innermost inlined call, …, its function).
        private mutating func location(of frames: [Frame]) -> UInt64 {
            let function = frames[frames.count - 1]
            let mappingID = mapping(for: function)
            var lines: [Perftools_Profiles_Line] = []
            lines.reserveCapacity(frames.count)
            for frame in frames {
                var line = Perftools_Profiles_Line()
                line.functionID = functionID(frame)
                line.line = Int64(frame.line ?? 0)
                lines.append(line)
            }
            let key = LocationKey(mapping: mappingID, address: function.address,
                                  lines: lines.map { LineKey(function: $0.functionID, line: $0.line) })
            if let known = locationIDs[key] { return known }
            let id = UInt64(locationMessages.count + 1)
            var location = Perftools_Profiles_Location()
            location.id = id
            location.mappingID = mappingID
            location.address = function.address
            location.line = lines
            locationMessages.append(location)
            locationIDs[key] = id
            if mappingID > 0 { noteSymbols(of: frames, inMapping: mappingID) }
            return id
        }

        /// The mapping id for a frame: its own mapping; for a kernel frame without one the
        /// kernel's; for a frame with a module, a placeholder named after the module; else 0.
        private mutating func mapping(for frame: Frame) -> UInt64 {
            let mapping: CodeMapping
            if let own = frame.mapping {
                mapping = own
            } else if frame.kind == .kernel {
                mapping = kernelMapping
            } else if let module = frame.module {
                if let known = placeholderMappings[module] {
                    mapping = known
                } else {
                    mapping = CodeMapping(start: 0, limit: 0, fileOffset: 0, file: module)
                    placeholderMappings[module] = mapping
                }
            } else {
                return 0
            }
            if let known = mappingIDs[mapping] { return known }
            let id = UInt64(mappings.count + 1)
            var message = Perftools_Profiles_Mapping()
            message.id = id
            message.memoryStart = mapping.start
            message.memoryLimit = mapping.limit
            message.fileOffset = mapping.fileOffset
            message.filename = strings.index(mapping.file)
            message.buildID = strings.index(mapping.buildID)
            // Every frame arrives symbolized: tools must not look the addresses up again.
            message.hasFunctions_p = true
            message.hasInlineFrames_p = true
            mappings.append(message)
            mappingIDs[mapping] = id
            return id
        }

        private mutating func noteSymbols(of frames: [Frame], inMapping id: UInt64) {
            let index = Int(id - 1)
            if frames.contains(where: { $0.sourceFile != nil }) { mappings[index].hasFilenames_p = true }
            if frames.contains(where: { $0.line != nil }) { mappings[index].hasLineNumbers_p = true }
        }

        private mutating func functionID(_ frame: Frame) -> UInt64 {
            let systemName = frame.forms?.systemName ?? frame.function
            let key = FunctionKey(name: frame.function, systemName: systemName, file: frame.sourceFile ?? "")
            if let known = functionIDs[key] { return known }
            let id = UInt64(functions.count + 1)
            var function = Perftools_Profiles_Function()
            function.id = id
            function.name = strings.index(key.name)
            function.systemName = strings.index(key.systemName)
            function.filename = strings.index(key.file)
            functions.append(function)
            functionIDs[key] = id
            return id
        }

        mutating func labels(_ labels: SampleLabels) -> [Perftools_Profiles_Label] {
            if let known = labelCache[labels] { return known }
            var messages: [Perftools_Profiles_Label] = []
            if let pid = labels.pid {
                var label = Perftools_Profiles_Label()
                label.key = strings.index(SampleLabels.pidKey)
                label.num = pid
                messages.append(label)
            }
            if let comm = labels.comm {
                var label = Perftools_Profiles_Label()
                label.key = strings.index(SampleLabels.commKey)
                label.str = strings.index(comm)
                messages.append(label)
            }
            if let thread = labels.thread {
                var label = Perftools_Profiles_Label()
                label.key = strings.index(SampleLabels.threadKey)
                label.num = thread
                messages.append(label)
            }
            if let name = labels.threadName {
                var label = Perftools_Profiles_Label()
                label.key = strings.index(SampleLabels.threadNameKey)
                label.str = strings.index(name)
                messages.append(label)
            }
            labelCache[labels] = messages
            return messages
        }
    }

    struct LineKey: Hashable {
        var function: UInt64
        var line: Int64
    }

    /// Lines are part of the key so that one address never stands for two different
    /// frame groups (it does not happen within a session; it guards merged inputs).
    struct LocationKey: Hashable {
        var mapping: UInt64
        var address: UInt64
        var lines: [LineKey]
    }

    struct FunctionKey: Hashable {
        var name: String
        var systemName: String
        var file: String
    }
}

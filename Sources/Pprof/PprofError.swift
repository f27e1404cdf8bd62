/// Why a pprof profile could not be written or read.
public enum PprofError: Error, Equatable, CustomStringConvertible {
    /// SwiftProtobuf refused to serialize the message (its description).
    case cannotEncode(String)
    /// The bytes are no pprof protobuf (SwiftProtobuf's description).
    case notAProfile(String)
    /// A sample, location or line names an id the profile does not define.
    case dangling(what: String, id: UInt64)
    /// A string index past the end of the string table.
    case badStringIndex(Int64)
    /// The profile defines no sample type (nothing to count).
    case noSampleTypes
    /// The sample type asked for is not in the profile.
    case unknownSampleType(String, available: [String])
    /// A sample value is negative, which no stack count can be.
    case negativeValue(sample: Int, value: Int64)

    public var description: String {
        switch self {
        case let .cannotEncode(reason): "cannot encode the pprof profile: \(reason)"
        case let .notAProfile(reason): "not a pprof profile (gzipped or plain protobuf): \(reason)"
        case let .dangling(what, id): "broken pprof profile: \(what) \(id) is not defined"
        case let .badStringIndex(index): "broken pprof profile: string index \(index) is past the string table"
        case .noSampleTypes: "the pprof profile has no sample types"
        case let .unknownSampleType(type, available):
            "the pprof profile has no sample type \"\(type)\" (it has: \(available.joined(separator: ", ")))"
        case let .negativeValue(sample, value): "pprof sample \(sample) has a negative value (\(value))"
        }
    }
}

import FoundationEssentials

/// The compiled BPF programs, embedded at build time by BPFCompilerPlugin
/// (see the generated `ProfileBPFProgram`). This file exists because a target
/// whose only sources are generated still needs one source file of its own.
public enum BPFObject {
    /// The sampler object built from `bpf/profile.bpf.c`.
    public static func profileObject() -> [UInt8] {
        guard let data = Data(base64Encoded: ProfileBPFProgram.objectBase64) else {
            preconditionFailure("embedded BPF object is not valid base64; rebuild flametop")
        }
        return [UInt8](data)
    }
}

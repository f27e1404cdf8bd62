import FoundationEssentials

/// The compiled BPF programs, embedded at build time by BPFCompilerPlugin
/// (see the generated `ProfileBPFProgram`, `UnwindBPFProgram`, `OffcpuBPFProgram`).
/// This file exists because a target whose only sources are generated still needs one
/// source file of its own.
public enum BPFObject {
    /// The sampler object built from `bpf/profile.bpf.c`.
    public static func profileObject() -> [UInt8] { decoded(ProfileBPFProgram.objectBase64) }
    /// The DWARF-mode object built from `bpf/unwind.bpf.c`.
    public static func unwindObject() -> [UInt8] { decoded(UnwindBPFProgram.objectBase64) }
    /// The off-CPU object built from `bpf/offcpu.bpf.c`.
    public static func offCPUObject() -> [UInt8] { decoded(OffcpuBPFProgram.objectBase64) }

    private static func decoded(_ base64: String) -> [UInt8] {
        guard let data = Data(base64Encoded: base64) else {
            preconditionFailure("embedded BPF object is not valid base64; rebuild flametop")
        }
        return [UInt8](data)
    }
}

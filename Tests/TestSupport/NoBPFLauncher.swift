/// Tests/Workloads/no_bpf.c: runs a program with bpf() failing with ENOSYS, as
/// on a kernel without CONFIG_BPF_SYSCALL.
public enum NoBPFLauncher {
    public static func build(in directory: TemporaryDirectory) throws -> String {
        try Workloads.build("no_bpf", in: directory, output: "no-bpf", flags: ["-O1"])
    }
}

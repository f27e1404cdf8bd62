import Foundation

/// Tests/Workloads/ground_truth.c: a known call tree and CPU split (see the C file).
public enum GroundTruthWorkload {
    public static let expectedShares: [String: Double] = ["alpha": 0.5, "beta": 0.3, "omega": 0.2]
    /// The stacks from `main` down, for each leaf.
    public static let expectedStacks: [String: [String]] = [
        "alpha": ["main", "run", "alpha"],
        "beta": ["main", "run", "dispatch", "beta"],
        "omega": ["main", "run", "dispatch", "deep", "omega"],
    ]

    /// -falign-functions=64 gives the identical leaves identical code alignment:
    /// unaligned, a loop that crosses a 32-byte boundary in one leaf and not in
    /// another runs at another speed (measured here: 46/28/25% instead of 50/30/20).
    public static let flags = ["-O1", "-g", "-fno-omit-frame-pointer", "-fno-inline", "-falign-functions=64", "-pthread"]

    /// Builds the frame-pointer workload; returns the executable's path.
    /// `pie: false` gives a position-dependent executable with the leaves inside;
    /// `pie: true` gives a PIE that calls the leaves in libgt.so (`lib_alpha`, …).
    public static func build(in directory: TemporaryDirectory, pie: Bool) throws -> String {
        if pie {
            try Workloads.build("gt_leaves", in: directory, output: "libgt.so", flags: flags + ["-shared", "-fPIC"])
            return try Workloads.build("ground_truth", in: directory, output: "gt-pie",
                                       flags: flags + ["-DGT_SHARED_LEAVES", "-fPIE", "-pie"],
                                       linkFlags: ["-L", directory.path, "-lgt", "-Wl,-rpath,\(directory.path)"])
        }
        return try Workloads.build("ground_truth", in: directory, output: "gt-nopie", flags: flags + ["-no-pie"])
    }

    /// A workload that spends its time in the kernel: read(2) from /dev/zero.
    public static func buildSyscallWorkload(in directory: TemporaryDirectory) throws -> String {
        try Workloads.build("syscall_reader", in: directory, output: "gt-syscall")
    }
}

import Foundation

/// Tests/Workloads/gt_shares.c: the ground truth's call tree with the leaf split set per
/// build, so two builds differ in known shares (for `flametop diff`).
public enum SharesWorkload {
    /// Builds a variant whose leaves take `alpha`, `beta` and `omega` units per round
    /// (shares in proportion); returns the executable's path.
    public static func build(in directory: TemporaryDirectory, alpha: Int, beta: Int, omega: Int) throws -> String {
        try Workloads.build("gt_shares", in: directory, output: "gt-shares-\(alpha)-\(beta)-\(omega)",
                            flags: GroundTruthWorkload.flags + ["-no-pie", "-DALPHA_UNITS=\(alpha)",
                                                                "-DBETA_UNITS=\(beta)", "-DOMEGA_UNITS=\(omega)"])
    }
}

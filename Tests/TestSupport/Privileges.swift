import Foundation

/// Gate for tests that need root (BPF, perf events, mounts): they may skip outside
/// root with a printed reason, but never under CI, where skipping hides a broken build.
public enum Privileges {
    public static var isRoot: Bool { geteuid() == 0 }
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Returns true when the test should run. Prints why when it skips; throws under CI.
    public static func requireRoot(_ test: String) throws -> Bool {
        if isRoot { return true }
        if isCI { throw TestFailure("\(test) needs root, and CI=true forbids skipping it") }
        print("SKIP \(test): needs root for eBPF and perf events (run `sudo make test`)")
        return false
    }
}

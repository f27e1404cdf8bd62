import Foundation
import Testing

/// Gate for tests that need root (BPF, perf events, mounts): outside root they show
/// as skipped with the reason, but never under CI, where skipping would hide a
/// broken build: with `CI=true` they run, and fail where root is missing.
public enum Privileges {
    public static var isRoot: Bool { geteuid() == 0 }
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }
    /// Whether a test that needs root runs here.
    public static var runsRootTests: Bool { isRoot || isCI }
}

extension TestTrait where Self == ConditionTrait {
    /// For tests that load BPF programs, open perf events or mount: skipped (and
    /// reported as skipped) outside root, except under CI.
    public static var needsRoot: Self {
        .enabled(if: Privileges.runsRootTests, "needs root for eBPF and perf events (run `sudo make test`)")
    }
}

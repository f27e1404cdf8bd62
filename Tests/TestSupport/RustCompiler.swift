import Foundation
import Testing

/// rustc, for the Rust fixtures: on PATH, or rustup's default place for root.
public enum RustCompiler {
    public static let path: String? = Command.which("rustc")
        ?? ["/root/.cargo/bin/rustc"].first { FileManager.default.isExecutableFile(atPath: $0) }
}

extension TestTrait where Self == ConditionTrait {
    /// Tests that build Rust fixtures: skipped (and shown as skipped) without rustc,
    /// except under CI, where they run and fail for want of it.
    public static var needsRustc: Self {
        .enabled(if: RustCompiler.path != nil || Privileges.isCI, "needs rustc (Debian's rustc package, or rustup)")
    }
}

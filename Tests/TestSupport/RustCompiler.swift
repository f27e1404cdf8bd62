import Foundation
import Testing

/// rustc, for the Rust fixtures: on PATH, or rustup's default place for root.
public enum RustCompiler {
    public static let path: String? = Command.which("rustc")
        ?? ["/root/.cargo/bin/rustc"].first { FileManager.default.isExecutableFile(atPath: $0) }
}

extension TestTrait where Self == ConditionTrait {
    /// Tests that build Rust fixtures. `make test` installs Debian's rustc, so as root (and
    /// under CI) they run and fail for want of it; outside root, where `make test` cannot
    /// install it, they are skipped (and shown as skipped) without rustc.
    public static var needsRustc: Self {
        .enabled(if: RustCompiler.path != nil || Privileges.runsRootTests,
                 "needs rustc: not root, so `make test` could not install Debian's rustc package")
    }
}

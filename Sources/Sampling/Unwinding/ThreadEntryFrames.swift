import Profile

/// Functions that start a thread's user stack. A frame-pointer walk that
/// breaks in a frameless function ends before any of them, so a stack that
/// reaches one is complete.
public enum ThreadEntryFrames {
    /// The C runtime, glibc threads, Go, and Rust's std (which ends in
    /// start_thread or clone3 too).
    static let names: Set<String> = [
        "main", "_start", "__libc_start_main", "__libc_start_call_main", "_dl_start_user",
        "start_thread", "clone", "clone3", "__clone", "__clone3", "__clone_internal",
        "runtime.goexit", "runtime.main", "runtime.mstart", "runtime.rt0_go",
    ]

    /// Whether a symbolized user stack (any order) reaches a thread entry.
    public static func reached(_ frames: [Frame]) -> Bool {
        frames.contains { frame in
            let name = frame.function
            // Dynamic symbols may carry a version: __libc_start_main@@GLIBC_2.34.
            guard let at = name.firstIndex(of: "@") else { return names.contains(name) }
            return names.contains(String(name[..<at]))
        }
    }
}

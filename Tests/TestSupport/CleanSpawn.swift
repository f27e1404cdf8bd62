import Foundation

/// Runs a command the way a shell would: default signal dispositions, nothing blocked,
/// no inherited descriptors beyond stdin/stdout/stderr.
///
/// Needed for programs that leave a daemon behind (the tmux server). Foundation's
/// `Process` (used by `Command`) has two problems there: a child spawned from a test's
/// worker thread inherits that thread's signal mask, in which SIGTERM is blocked (so
/// `tmux kill-server`, which signals the server, does nothing); and Foundation notices
/// a child's exit through a socket the child inherits, which a daemon keeps open, so
/// the wait never ends.
public enum CleanSpawn {
    @discardableResult
    public static func run(_ arguments: [String], timeout: Double = 30) throws -> CommandResult {
        guard let program = arguments.first else { throw TestFailure("empty command") }
        let outputs = try TemporaryDirectory(prefix: "flametop-spawn")
        defer { outputs.remove() }
        let outPath = outputs.file("out")
        let errPath = outputs.file("err")

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        for descriptor in openDescriptors() where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, program, &actions, &attributes, &argv, environ)
        guard status == 0 else { throw TestFailure("posix_spawnp \(program) failed: errno \(status)") }

        var waitStatus: Int32 = 0
        var reaped = false
        let exited = Wait.until(timeout: timeout, interval: 0.01) {
            if !reaped { reaped = waitpid(pid, &waitStatus, WNOHANG) == pid }
            return reaped
        }
        if !exited {
            kill(pid, SIGKILL)
            waitpid(pid, &waitStatus, 0)
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        // WIFEXITED/WEXITSTATUS are macros: decode the wait status by hand.
        let code = (waitStatus & 0x7F) == 0 ? (waitStatus >> 8) & 0xFF : 128 + (waitStatus & 0x7F)
        return CommandResult(status: code, stdout: stdout, stderr: stderr, timedOut: !exited)
    }

    private static func openDescriptors() -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.compactMap { Int32($0) }
    }
}

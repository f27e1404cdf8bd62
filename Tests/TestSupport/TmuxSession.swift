import Foundation

/// A real terminal for tests: a detached tmux session of a given size running one
/// command, on a private server socket (`tmux -L`) so tests never touch a user's tmux.
/// After the command exits, the pane stays (a shell waits in it) so its exit status,
/// tty settings and last screen can be read. `close()` (also run on deinit) kills the private server.
public final class TmuxSession: @unchecked Sendable {
    public let socketName: String
    public let sessionName = "flametop-test"
    private let workDirectory: TemporaryDirectory
    private var isClosed = false
    /// The server's socket, removed on close (a killed server can leave it behind).
    private var socketPath: String?

    /// Starts `command` (argv, run without a shell's word splitting) in a
    /// `width`×`height` pane with `environment` added to tmux's own.
    public init(_ command: [String], width: Int = 80, height: Int = 24,
                environment: [String: String] = [:]) throws {
        guard Command.which("tmux") != nil else { throw TestFailure("tmux is not installed (apt-get install tmux)") }
        socketName = "flametop-\(getpid())-\(UUID().uuidString.prefix(8))"
        workDirectory = try TemporaryDirectory(prefix: "flametop-tmux")
        // No status line, so the pane is the whole window; keep dead panes to read them.
        let config = try workDirectory.write("tmux.conf", """
            set -g status off
            set -g remain-on-exit on
            set -g history-limit 0
            """)
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let commandLine = (["env"] + assignments + command).map(Self.shellQuote).joined(separator: " ")
        // The exit status goes through a file: tmux 3.3a sometimes misses the SIGCHLD of
        // a pane's process (it briefly resets SIGCHLD to SIG_DFL while running a job),
        // which leaves #{pane_dead_status} empty; the shell always reaps its child. The
        // shell then records the tty settings and keeps the pane alive, because tmux
        // reports the cursor of a dead pane unreliably.
        let status = Self.shellQuote(workDirectory.file("status"))
        let stty = Self.shellQuote(workDirectory.file("stty"))
        let wrapper = "\(commandLine); echo $? > \(status).tmp; stty -a > \(stty) 2>&1; "
            + "mv \(status).tmp \(status); exec sleep 86400"
        try run(["-f", config, "new-session", "-d", "-s", sessionName,
                 "-x", String(width), "-y", String(height), wrapper])
        socketPath = try? display("#{socket_path}")
    }

    deinit { close() }

    /// Kills the private tmux server (and with it the command, if still running).
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        _ = try? CleanSpawn.run(["tmux", "-L", socketName, "kill-server"], timeout: 10)
        if let socketPath, socketPath.contains(socketName) { unlink(socketPath) }
        workDirectory.remove()
    }

    /// Sends tmux key names (`Enter`, `Up`, `C-c`, `Escape`, `q`, …), one key per argument.
    public func sendKeys(_ keys: String...) throws {
        try run(["send-keys", "-t", sessionName] + keys)
    }

    /// Sends raw bytes as keys (`send-keys -H`): 0x13 is Ctrl-S whatever tmux's key table says.
    public func sendHexKeys(_ bytes: UInt8...) throws {
        try run(["send-keys", "-t", sessionName, "-H"] + bytes.map { String($0, radix: 16) })
    }

    /// Types `text` literally, character by character.
    public func type(_ text: String) throws {
        try run(["send-keys", "-t", sessionName, "-l", text])
    }

    /// The visible screen as text, one line per row, trailing spaces trimmed.
    public func capture() throws -> String {
        let result = try run(["capture-pane", "-p", "-t", sessionName])
        return result.stdout
    }

    /// Polls the screen until `condition` holds or `timeout` seconds pass; the failure
    /// names what was awaited and shows the last screen.
    @discardableResult
    public func waitUntil(_ description: String, timeout: Double = 10,
                          _ condition: (String) -> Bool) throws -> String {
        var last = ""
        let met = Wait.until(timeout: timeout, interval: 0.05) {
            last = (try? capture()) ?? last
            return condition(last)
        }
        guard met else {
            throw TestFailure("timed out after \(timeout) s waiting for \(description); last screen:\n\(last)")
        }
        return last
    }

    /// Waits until the screen shows `text`.
    @discardableResult
    public func waitFor(_ text: String, timeout: Double = 10) throws -> String {
        try waitUntil("\"\(text)\"", timeout: timeout) { $0.contains(text) }
    }

    /// Resizes the window (and its only pane); the program receives SIGWINCH.
    public func resize(width: Int, height: Int) throws {
        try run(["resize-window", "-t", sessionName, "-x", String(width), "-y", String(height)])
    }

    /// The pane's size as tmux reports it.
    public func size() throws -> (width: Int, height: Int) {
        let fields = try display("#{pane_width} #{pane_height}").split(separator: " ").compactMap { Int($0) }
        guard fields.count == 2 else { throw TestFailure("unexpected pane size from tmux") }
        return (fields[0], fields[1])
    }

    /// The command's exit status once it has exited (128 + N when killed by signal N),
    /// nil while it runs.
    public func exitStatus() throws -> Int32? {
        guard let text = try? String(contentsOfFile: workDirectory.file("status"), encoding: .utf8) else {
            return nil
        }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// `stty -a` as run in the pane right after the command exited: shows whether the
    /// command left the tty in cooked mode (`icanon`, `echo`).
    public func terminalSettingsAfterExit() throws -> String {
        guard try exitStatus() != nil else { throw TestFailure("the command has not exited yet") }
        return try String(contentsOfFile: workDirectory.file("stty"), encoding: .utf8)
    }

    /// Waits for the command to exit and returns its status.
    @discardableResult
    public func waitForExit(timeout: Double = 10) throws -> Int32 {
        var status: Int32?
        let exited = Wait.until(timeout: timeout, interval: 0.05) {
            status = try? exitStatus()
            return status != nil
        }
        guard exited, let status else {
            throw TestFailure("command still running after \(timeout) s; last screen:\n\((try? capture()) ?? "")")
        }
        return status
    }

    /// The PID of the command (a child of the pane's shell), waiting for it to start.
    public func commandPID(timeout: Double = 10) throws -> Int32 {
        guard let shell = Int32(try display("#{pane_pid}")) else { throw TestFailure("no pane pid from tmux") }
        var pid: Int32?
        Wait.until(timeout: timeout) {
            let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
            pid = children.split(separator: " ").compactMap { Int32($0) }.first
            return pid != nil
        }
        guard let pid else { throw TestFailure("the command in tmux pane (shell \(shell)) did not start") }
        return pid
    }

    /// Whether the terminal is in the alternate screen (a curses program is showing).
    public func isAlternateScreen() throws -> Bool {
        try display("#{alternate_on}") == "1"
    }

    /// Whether the cursor is visible.
    public func isCursorVisible() throws -> Bool {
        try display("#{cursor_flag}") == "1"
    }

    private func display(_ format: String) throws -> String {
        try run(["display-message", "-p", "-t", sessionName, format]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    private func run(_ arguments: [String]) throws -> CommandResult {
        let result = try CleanSpawn.run(["tmux", "-u", "-L", socketName] + arguments, timeout: 10)
        guard result.status == 0, !result.timedOut else {
            throw TestFailure("tmux \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result
    }

    private static func shellQuote(_ word: String) -> String {
        if !word.isEmpty, word.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0) }) {
            return word
        }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

import Glibc

/// Runs the live UI until the user quits or a signal arrives, then gives the terminal
/// back. Returns the exit status and the lines to print afterwards (never prints).
///
/// Call it from the main thread with SIGINT, SIGTERM and SIGHUP not blocked and no
/// other thread waiting for them (sigwait): the UI receives them through its own
/// handlers and finishes in its loop, autosaving the profile.
public func runTerminalUI(_ options: TerminalUIOptions) -> TerminalUIExit {
    var signals = sigset_t()
    sigemptyset(&signals)
    for signal in SignalPipe.signals { sigaddset(&signals, signal) }
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)

    let terminal: Terminal
    do {
        terminal = try Terminal(options: .init(ascii: options.ascii, noColor: options.noColor))
    } catch {
        return TerminalUIExit(status: 1, messages: ["flametop: \(error)"])
    }
    let app = TerminalApp(options: options, terminal: terminal)
    let exit = app.run()
    terminal.restore()
    return exit
}

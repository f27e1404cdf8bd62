import CCurses
import Glibc

/// The one place flametop talks to curses: takes over the terminal, draws canvases,
/// reads keys and signals, and gives the terminal back. Owned by the thread that runs
/// the UI loop; everything else in the UI is pure and never sees curses.
public final class Terminal {
    public struct Options: Sendable {
        /// Draw ASCII glyphs and text even when the locale is UTF-8.
        public var ascii: Bool
        /// Draw without colours (NO_COLOR in the environment has the same effect).
        public var noColor: Bool

        public init(ascii: Bool = false, noColor: Bool = false) {
            self.ascii = ascii
            self.noColor = noColor
        }
    }

    public let glyphs: Glyphs
    public let usesColor: Bool
    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    private let signals: SignalPipe
    private let colors: ColorScheme
    private var lastDrawn: Canvas?
    private var isActive = true
    private var wideBuffer: [wchar_t] = []

    /// Takes over the terminal on stdin/stdout.
    public init(options: Options = Options()) throws(TerminalError) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw TerminalError(operation: "opening the terminal", errno: ENOTTY,
                                hint: "the live view needs a terminal; use `flametop record` in scripts")
        }
        // Only LC_CTYPE: curses needs it for wide characters, and leaving LC_NUMERIC
        // alone keeps number formatting independent of the user's locale.
        _ = setlocale(LC_CTYPE, "")
        glyphs = (options.ascii || flametop_locale_is_utf8() == 0) ? .ascii : .unicode

        var cooked = termios()
        let hasCooked = tcgetattr(STDIN_FILENO, &cooked) == 0

        // Our handlers go in before curses starts: curses installs its own SIGINT and
        // SIGTERM handlers only where it finds SIG_DFL (ncurses lib_tstp.c).
        signals = try SignalPipe()

        // newterm, unlike initscr, returns NULL instead of exiting when TERM is unusable.
        guard let screen = newterm(nil, flametop_stdout(), flametop_stdin()) else {
            signals.close()
            let term = getenv("TERM").map { String(cString: $0) } ?? "(unset)"
            throw TerminalError(operation: "starting curses for TERM=\(term)",
                                hint: "set TERM to a terminal type this system knows, e.g. xterm-256color")
        }
        self.screen = screen
        _ = set_term(screen)
        window = flametop_stdscr()

        _ = cbreak()
        Self.disableFlowControl()
        _ = noecho()
        _ = nonl()
        _ = keypad(window, true)
        _ = nodelay(window, true)
        _ = set_escdelay(25)
        _ = curs_set(0)
        _ = leaveok(window, true)

        let environmentNoColor = getenv("NO_COLOR").map { $0.pointee != 0 } ?? false
        var colorWanted = !options.noColor && !environmentNoColor && has_colors()
        if colorWanted { colorWanted = start_color() == OK }
        usesColor = colorWanted
        colors = ColorScheme.install(usesColor: colorWanted)

        CrashGuard.arm(descriptor: STDOUT_FILENO, termios: hasCooked ? cooked : nil,
                       resetSequence: Self.resetSequence())
    }

    deinit { restore() }

    /// Turns off XON/XOFF (IXON, IXOFF): with it on, Ctrl-S stops the tty's output, the
    /// next screen update blocks in write(2), and signals are never looked at again
    /// (issue 14). Ctrl-S and Ctrl-Q then arrive as plain keys. cbreak() keeps IXON
    /// (ncurses lib_raw.c: only raw() clears it, and raw() also clears ISIG, which would
    /// turn Ctrl-C into a key); def_prog_mode() makes curses keep this setting whenever it
    /// puts its mode back.
    private static func disableFlowControl() {
        var settings = termios()
        guard tcgetattr(STDIN_FILENO, &settings) == 0 else { return }
        settings.c_iflag &= ~tcflag_t(IXON | IXOFF)
        while tcsetattr(STDIN_FILENO, TCSANOW, &settings) != 0 && errno == EINTR {}
        _ = def_prog_mode()
    }

    /// The bytes that undo what curses did to the screen, from terminfo where the
    /// terminal describes them, written by the crash handler.
    private static func resetSequence() -> [UInt8] {
        let capabilities = [("sgr0", "\u{1B}[0m"), ("rmcup", "\u{1B}[?1049l"),
                            ("cnorm", "\u{1B}[?25h"), ("rmkx", "\u{1B}[?1l\u{1B}>")]
        var bytes: [UInt8] = []
        for (name, fallback) in capabilities {
            if let value = flametop_terminfo_string(name) {
                bytes += Array(String(cString: value).utf8)
            } else {
                bytes += Array(fallback.utf8)
            }
        }
        return bytes + Array("\r\n".utf8)
    }

    public var width: Int { Int(getmaxx(window)) }
    public var height: Int { Int(getmaxy(window)) }

    /// An empty canvas the size of the terminal, with the terminal's glyphs.
    public func makeCanvas() -> Canvas {
        Canvas(width: width, height: height, glyphs: glyphs)
    }

    /// Copies the canvas to the screen, unless the terminal takes no output now (returns
    /// false: the caller draws again later). Rows unchanged since the last frame are not
    /// touched, and curses sends only the cells that differ, so redraws don't flicker.
    @discardableResult
    public func draw(_ canvas: Canvas) -> Bool {
        guard isActive else { return true }
        // A terminal that is not reading (its output stopped, a stalled ssh) would block
        // the whole loop in write(2), signals included: wait for room instead.
        guard Self.canWrite(STDOUT_FILENO) else { return false }
        let rows = min(canvas.height, height)
        let columns = min(canvas.width, width)
        let previous = lastDrawn.flatMap { $0.width == canvas.width && $0.height == canvas.height ? $0 : nil }
        if previous == nil { _ = werase(window) }
        for row in 0..<rows {
            let start = row * canvas.width
            if let previous, previous.cells[start..<(start + canvas.width)] == canvas.cells[start..<(start + canvas.width)] {
                continue
            }
            drawRow(canvas, row: row, columns: columns)
        }
        lastDrawn = canvas
        _ = wnoutrefresh(window)
        _ = doupdate()
        return true
    }

    private static func canWrite(_ descriptor: Int32) -> Bool {
        var descriptors = [pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)]
        while true {
            let ready = poll(&descriptors, 1, 0)
            if ready < 0 && errno == EINTR { continue }
            return ready > 0 && descriptors[0].revents & Int16(POLLOUT) != 0
        }
    }

    private func drawRow(_ canvas: Canvas, row: Int, columns: Int) {
        var column = 0
        while column < columns {
            let style = canvas[row, column].style
            let runStart = column
            wideBuffer.removeAll(keepingCapacity: true)
            while column < columns, canvas[row, column].style == style {
                let cell = canvas[row, column]
                column += 1
                if cell.isContinuation { continue }
                // A wide character at the last column would wrap: draw a blank instead.
                if DisplayWidth.of(cell.character) == 2 && column >= columns {
                    wideBuffer.append(wchar_t(32))
                    continue
                }
                for scalar in cell.character.unicodeScalars { wideBuffer.append(wchar_t(bitPattern: scalar.value)) }
            }
            let (attributes, pair) = colors.attributes(for: style)
            _ = flametop_set_attributes(window, attributes, pair)
            wideBuffer.withUnsafeBufferPointer { buffer in
                _ = flametop_move_add_wide(window, Int32(row), Int32(runStart), buffer.baseAddress, Int32(buffer.count))
            }
        }
    }

    /// Forgets what is on screen so the next `draw` repaints everything (after a
    /// resize, or when something else may have written to the terminal).
    public func invalidate() {
        lastDrawn = nil
        _ = clearok(window, true)
    }

    /// Waits up to `timeout` seconds for keys, a resize or a signal, and returns what
    /// arrived (possibly nothing, on time-out).
    public func waitForEvents(timeout: Double) -> [TerminalEvent] {
        guard isActive else { return [] }
        var descriptors = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: signals.readDescriptor, events: Int16(POLLIN), revents: 0)]
        let milliseconds = Int32(max(0, min(timeout, 3600)) * 1000)
        // EINTR is expected: SIGWINCH interrupts poll, and curses reports it as
        // KEY_RESIZE from the next wget_wch below.
        _ = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
        var events: [TerminalEvent] = signals.drain().map { .signal($0) }
        events += readKeys()
        return events
    }

    private func readKeys() -> [TerminalEvent] {
        var events: [TerminalEvent] = []
        // Bounded so a flood of input can never starve the loop of redraws.
        for _ in 0..<256 {
            var value: wint_t = 0
            let result = wget_wch(window, &value)
            if result == ERR { break }
            if let event = KeyDecoder.decode(UInt32(value), isKeyCode: result == KEY_CODE_YES) {
                if event == .resize { invalidate() }
                events.append(event)
            }
        }
        return events
    }

    /// Gives the terminal back: leaves curses, restores signal handlers, disarms the
    /// crash guard. Safe to call more than once.
    public func restore() {
        guard isActive else { return }
        isActive = false
        _ = endwin()
        delscreen(screen)
        CrashGuard.disarm()
        signals.close()
    }
}

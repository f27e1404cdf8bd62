import Sampling

/// The process list: the default screen. Holds the latest process table scan, the
/// order, the filter and the selection (remembered by PID, so refreshes and re-sorts
/// keep the cursor on the same process), and the frequency and duration the next
/// profile will use. Keys change this state and return a `ScreenAction`.
public struct ProcessListScreen {
    public private(set) var snapshot: ProcessTableSnapshot?
    public private(set) var sortKey: ProcessSortKey = .cpu
    public private(set) var sortDescending = true
    public private(set) var filter = ""
    /// The processes shown: filtered and sorted.
    public private(set) var rows: [ProcessTableEntry] = []
    public private(set) var selectedIndex = 0
    public private(set) var scrollOffset = 0
    /// Samples per second for the next profile.
    public private(set) var frequency: Int
    /// Seconds for the next profile; nil samples until stopped (entered as 0).
    public private(set) var duration: Int?
    /// A line under the header: a validation error, or what just happened.
    public private(set) var message: (text: String, isError: Bool)?
    public private(set) var showsHelp = false
    /// The process whose threads are listed under it (`→`); moving the cursor off it
    /// folds them again.
    public private(set) var expandedPID: Int32?
    /// The rewind history being recorded (the app sets it each scan), nil when there is
    /// none; `historyTurnedOff`: none because `--history-rate 0` said so.
    public var history: HistoryStatus?
    public var historyTurnedOff = false

    enum PromptKind: Equatable { case filter, frequency, duration }
    private(set) var prompt: (kind: PromptKind, editor: LineEditor)?
    /// The filter before `/`, restored when the prompt is cancelled.
    private var filterBeforePrompt = ""
    private var selectedPID: Int32?
    /// Until the user moves the cursor it stays on the first row: the first scans
    /// have no CPU% yet, and the busiest process should be the one under it.
    private var hasMovedCursor = false
    /// Rows of processes that fit on screen, kept from the last resize.
    private(set) var visibleRows = 20

    /// Rows above and below the list: title, info line, column headers / footer.
    static let headerRows = 3
    static let footerRows = 1

    public init(frequency: Int = 99, duration: Int? = 10) {
        self.frequency = frequency
        self.duration = duration
    }

    public var selectedProcess: ProcessTableEntry? {
        rows.indices.contains(selectedIndex) ? rows[selectedIndex] : nil
    }

    public var isPrompting: Bool { prompt != nil }

    // MARK: Data and layout

    /// Takes a new scan; the selection stays on its PID, or on the nearest row when that
    /// process is gone.
    public mutating func update(_ snapshot: ProcessTableSnapshot) {
        self.snapshot = snapshot
        rebuildRows()
    }

    /// Tells the screen how tall the terminal is, for paging and scrolling.
    public mutating func resize(height: Int) {
        visibleRows = max(1, height - Self.headerRows - Self.footerRows)
        keepSelectionVisible()
    }

    private mutating func rebuildRows() {
        let all = snapshot?.processes ?? []
        let needle = filter.lowercased()
        let filtered = needle.isEmpty ? all : all.filter { Self.matches($0, needle) }
        rows = filtered.sorted { sortKey.precedes($0, $1, descending: sortDescending) }
        if !hasMovedCursor {
            selectedIndex = 0
        } else if let selectedPID, let index = rows.firstIndex(where: { $0.pid == selectedPID }) {
            selectedIndex = index
        } else {
            selectedIndex = min(selectedIndex, max(0, rows.count - 1))
        }
        selectedPID = selectedProcess?.pid
        keepSelectionVisible()
    }

    /// A filter matches the command line or name (case-insensitively) or a PID that
    /// starts with it.
    static func matches(_ process: ProcessTableEntry, _ needle: String) -> Bool {
        process.commandLine.lowercased().contains(needle) || process.command.lowercased().contains(needle)
            || String(process.pid).hasPrefix(needle)
    }

    private mutating func select(_ index: Int) {
        hasMovedCursor = true
        selectedIndex = ListScrolling.clamped(index, count: rows.count)
        selectedPID = selectedProcess?.pid
        if expandedPID != selectedPID { expandedPID = nil }
        keepSelectionVisible()
    }

    private mutating func keepSelectionVisible() {
        // The expanded process's threads sit under it: keep them on screen too.
        let below = expandedPID == selectedPID ? min(expandedThreads.count, Self.maximumThreadRows) : 0
        let visible = max(1, visibleRows - below)
        scrollOffset = ListScrolling.offset(scrollOffset, showing: selectedIndex, visible: visible, count: rows.count)
    }

    /// Threads listed under an expanded process at most (the busiest).
    static let maximumThreadRows = 12

    /// The expanded process's threads from the latest scan, busiest first.
    public var expandedThreads: [ProcessTableThread] {
        guard let expandedPID, let threads = snapshot?.threads, threads.pid == expandedPID else { return [] }
        return threads.threads
    }

    /// Shows a line under the header until the next key (e.g. why profiling failed).
    public mutating func show(message text: String, isError: Bool) {
        message = (text, isError)
    }

    // MARK: Keys

    public mutating func handle(_ key: Key) -> ScreenAction {
        if showsHelp {
            showsHelp = false
            return .redraw
        }
        if prompt != nil { return handlePrompt(key) }
        message = nil
        if let target = ListScrolling.target(of: key, from: selectedIndex, page: visibleRows, count: rows.count) {
            select(target)
            return .redraw
        }
        switch key {
        case .enter:
            guard let process = selectedProcess else { return .redraw }
            return .startProfile(settings(for: .process(pid: process.pid)))
        case .right, .character("l"):
            guard let process = selectedProcess else { return .none }
            expandedPID = process.pid
            keepSelectionVisible()
        case .left, .character("h"):
            guard expandedPID != nil else { return .none }
            expandedPID = nil
        case .character("a"):
            return .startProfile(settings(for: .allProcesses))
        case .character("/"):
            filterBeforePrompt = filter
            prompt = (.filter, LineEditor(label: "Filter (name or PID): ", text: filter))
        case .character("F"):
            prompt = (.frequency, LineEditor(label: "Frequency, 1–1000 Hz: ", text: String(frequency), maxLength: 4))
        case .character("d"):
            prompt = (.duration, LineEditor(label: "Duration, 0–300 s (0 = until stopped): ",
                                            text: String(duration ?? 0), maxLength: 3))
        case .escape where !filter.isEmpty:
            setFilter("")
        case .character("q"), .function(10):
            return .quit
        case .character("?"), .function(1):
            showsHelp = true
        case .character(let character):
            guard let key = ProcessSortKey.forKey(character) else { return .none }
            if key == sortKey {
                sortDescending.toggle()
            } else {
                sortKey = key
                sortDescending = key.descendingByDefault
            }
            rebuildRows()
        default:
            return .none
        }
        return .redraw
    }

    private mutating func handlePrompt(_ key: Key) -> ScreenAction {
        guard let current = prompt else { return .none }
        let kind = current.kind
        var editor = current.editor
        let outcome = editor.handle(key)
        prompt = (kind, editor)
        switch (outcome, kind) {
        case (.editing, .filter):
            // The list follows the filter as it is typed, like htop's.
            setFilter(editor.text)
        case (.editing, _):
            break
        case (.cancelled, .filter):
            prompt = nil
            setFilter(filterBeforePrompt)
        case (.cancelled, _):
            prompt = nil
        case (.committed(let text), .filter):
            prompt = nil
            setFilter(text)
        case (.committed(let text), .frequency):
            prompt = nil
            let range = SessionSettings.frequencyRange
            if let value = Int(text.trimmingSpaces), range.contains(value) {
                frequency = value
                message = ("frequency set to \(value) Hz", false)
            } else {
                message = ("frequency must be a whole number from \(range.lowerBound) to \(range.upperBound) Hz", true)
            }
        case (.committed(let text), .duration):
            prompt = nil
            let range = SessionSettings.durationRange
            if let value = Int(text.trimmingSpaces), value == 0 || range.contains(value) {
                duration = value == 0 ? nil : value
                message = (value == 0 ? "profiles run until stopped" : "duration set to \(value) s", false)
            } else {
                message = ("duration must be 0 (until stopped) or from \(range.lowerBound) to \(range.upperBound) s", true)
            }
        }
        return .redraw
    }

    private mutating func setFilter(_ text: String) {
        filter = text
        rebuildRows()
    }

    private func settings(for target: SessionSettings.Target) -> SessionSettings {
        var settings = SessionSettings(target: target)
        settings.frequency = frequency
        settings.duration = duration
        return settings
    }
}

import Sampling

extension ProcessListScreen {
    /// Column widths; the command takes what is left.
    private enum Column {
        static let pid = 7, user = 9, cpu = 6, memory = 6, threads = 4, state = 1, waits = 7
    }

    static let helpSections: [HelpOverlay.Section] = [
        .init(title: "Move", keys: [
            ("↑ ↓  j k", "previous / next process"),
            ("PgUp PgDn", "page up / down"),
            ("Home End", "first / last (also g G)"),
            ("→ ←  l h", "its threads / fold them"),
        ]),
        .init(title: "Profile", keys: [
            ("Enter", "profile it (+ its rewind)"),
            ("a", "profile every process"),
            ("F", "frequency (1–1000 Hz)"),
            ("d", "duration, 0–300 s (0: on)"),
        ]),
        .init(title: "List", keys: [
            ("/", "filter: name, PID (Esc)"),
            ("P M N T", "sort: CPU% mem PID thr"),
            ("U C", "sort by user, command"),
            ("W", "sort by waits/s"),
            ("again", "same key: reverse order"),
        ]),
        .init(title: "General", keys: [
            ("?  F1", "this help"),
            ("q  F10", "quit"),
        ]),
    ]

    public func render(into canvas: inout Canvas) {
        guard canvas.height > 0, canvas.width > 0 else { return }
        renderTitle(into: &canvas)
        renderInfoLine(into: &canvas, row: 1)
        renderColumnHeaders(into: &canvas, row: 2)
        renderRows(into: &canvas, top: Self.headerRows, bottom: canvas.height - Self.footerRows)
        KeyHints.render([("Enter", "Profile"), ("a", "All"), ("/", "Filter"), ("P/M/N/T", "Sort"),
                         ("F", "Freq"), ("d", "Duration"), ("?", "Help"), ("q", "Quit")],
                        into: &canvas, row: canvas.height - 1)
        if showsHelp {
            HelpOverlay(title: "flametop: process list keys", sections: Self.helpSections).render(into: &canvas)
        }
    }

    private func renderTitle(into canvas: inout Canvas) {
        canvas.fill(row: 0, style: .header)
        var parts = ["flametop"]
        if let snapshot {
            let load = snapshot.loadAverage.map { NumberFormat.fixed($0, digits: 2) }.joined(separator: " ")
            parts.append("load \(load)")
            parts.append("\(snapshot.cpuCount) CPU\(snapshot.cpuCount == 1 ? "" : "s")")
        }
        parts.append("\(frequency) Hz")
        parts.append(duration.map { "\($0) s" } ?? "until stopped")
        if let snapshot { parts.append("\(snapshot.processes.count) processes") }
        var column = 1
        for (index, part) in parts.enumerated() {
            let text = index == 0 ? part : "  " + part
            guard column + DisplayWidth.of(text) <= canvas.width else { break }
            column += canvas.write(text, row: 0, column: column, style: index == 0 ? Style.header.with(bold: true) : .header)
        }
    }

    private func renderInfoLine(into canvas: inout Canvas, row: Int) {
        if let prompt {
            prompt.editor.render(into: &canvas, row: row)
            return
        }
        if let message, message.isError {
            // Whole, on up to three lines from here (over the first rows until the next key).
            for (offset, line) in MessageLines.wrap(message.text, width: max(1, canvas.width - 1)).enumerated() {
                canvas.fill(row: row + offset, style: .plain)
                canvas.write(line, row: row + offset, column: 1, style: .warning)
            }
            return
        }
        if let message {
            // A note about a file reads from its end (the name).
            canvas.write(message.text, row: row, column: 1, style: .plain, truncation: .head)
            return
        }
        var text = "sorted by \(sortKey.title) (\(sortDescending ? "highest" : "lowest") first)"
        if !filter.isEmpty {
            text += "  filter \"\(filter)\": \(rows.count) of \(snapshot?.processes.count ?? 0)"
        }
        let column = 1 + canvas.write(text, row: row, column: 1, style: .dim) + 2
        if column < canvas.width - 1, history != nil || historyTurnedOff {
            let rewind = HistoryWords.line(history)
            canvas.write(rewind.text, row: row, column: column, maxWidth: canvas.width - 1 - column,
                         style: rewind.isWarning ? .warning : .dim)
        }
    }

    private func renderColumnHeaders(into canvas: inout Canvas, row: Int) {
        canvas.fill(row: row, style: .header)
        let arrow = String(sortDescending ? canvas.glyphs.down : canvas.glyphs.up)
        func label(_ text: String, _ key: ProcessSortKey, width: Int, right: Bool) -> String {
            let marked = key == sortKey ? (right ? arrow + text : text + arrow) : text
            return right ? pad(marked, width) : marked
        }
        var column = 0
        column += canvas.write(label("PID", .pid, width: Column.pid, right: true), row: row, column: column, style: .header) + 1
        canvas.write(label("USER", .user, width: Column.user, right: false), row: row, column: column, style: .header)
        column += Column.user + 1
        column += canvas.write(label("CPU%", .cpu, width: Column.cpu, right: true), row: row, column: column, style: .header) + 1
        if sortKey == .waiting {
            column += canvas.write(label("WAIT/s", .waiting, width: Column.waits, right: true), row: row, column: column, style: .header) + 1
        }
        column += canvas.write(label("RSS", .memory, width: Column.memory, right: true), row: row, column: column, style: .header) + 1
        column += canvas.write(label("THR", .threads, width: Column.threads, right: true), row: row, column: column, style: .header) + 1
        column += canvas.write("S", row: row, column: column, style: .header) + 1
        canvas.write(label("COMMAND", .command, width: 0, right: false), row: row, column: column, style: .header)
    }

    private func renderRows(into canvas: inout Canvas, top: Int, bottom: Int) {
        guard top < bottom else { return }
        if rows.isEmpty {
            let text = snapshot == nil ? "reading /proc…" : (filter.isEmpty ? "no processes" : "no process matches \"\(filter)\"")
            canvas.write(text, row: top, column: 1, style: .dim)
            return
        }
        var row = top
        var index = scrollOffset
        while row < bottom, index < rows.count {
            renderRow(rows[index], into: &canvas, row: row, selected: index == selectedIndex)
            row += 1
            if rows[index].pid == expandedPID {
                let threads = expandedThreads
                for thread in threads.prefix(Self.maximumThreadRows) where row < bottom {
                    renderThread(thread, into: &canvas, row: row)
                    row += 1
                }
                if threads.isEmpty, row < bottom {
                    canvas.write("        reading its threads…", row: row, column: 0, style: .dim)
                    row += 1
                } else if threads.count > Self.maximumThreadRows, row < bottom {
                    canvas.write("        … \(threads.count - Self.maximumThreadRows) more threads", row: row, column: 0, style: .dim)
                    row += 1
                }
            }
            index += 1
        }
    }

    /// A thread under its process: TID, CPU% and state in their columns, its name
    /// indented under the command.
    private func renderThread(_ thread: ProcessTableThread, into canvas: inout Canvas, row: Int) {
        var column = 0
        column += canvas.write(pad(String(thread.tid), Column.pid), row: row, column: column, style: .dim) + 1
        column += Column.user + 1
        let cpuStyle: Style = thread.cpuPercent >= 50 ? .hot : (thread.cpuPercent >= 10 ? .warm : .dim)
        column += canvas.write(pad(NumberFormat.percent(thread.cpuPercent), Column.cpu), row: row, column: column, style: cpuStyle) + 1
        column += Column.memory + 1 + Column.threads + 1
        column += canvas.write(String(thread.state), row: row, column: column, style: .dim) + 1
        canvas.write("└ " + thread.name, row: row, column: column, style: .dim)
    }

    private func renderRow(_ process: ProcessTableEntry, into canvas: inout Canvas, row: Int, selected: Bool) {
        let base: Style = process.isKernelThread || process.state == "Z" ? .dim : .plain
        var column = 0
        column += canvas.write(pad(String(process.pid), Column.pid), row: row, column: column, style: base) + 1
        canvas.write(process.user, row: row, column: column, maxWidth: Column.user, style: base)
        column += Column.user + 1
        let cpuStyle: Style = process.cpuPercent >= 50 ? .hot : (process.cpuPercent >= 10 ? .warm : base)
        column += canvas.write(pad(NumberFormat.percent(process.cpuPercent), Column.cpu), row: row, column: column, style: cpuStyle) + 1
        if sortKey == .waiting {
            let waits = NumberFormat.fixed(process.waitsPerSecond, digits: 0)
            column += canvas.write(pad(waits, Column.waits), row: row, column: column, style: base) + 1
        }
        column += canvas.write(pad(NumberFormat.bytes(process.residentBytes), Column.memory), row: row, column: column, style: base) + 1
        column += canvas.write(pad(String(process.threads), Column.threads), row: row, column: column, style: base) + 1
        let stateStyle: Style = process.state == "D" ? .warning : base
        column += canvas.write(String(process.state), row: row, column: column, style: stateStyle) + 1
        canvas.write(process.commandLine, row: row, column: column, style: base)
        if selected {
            canvas.restyle(row: row) { _ in .selection }
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        let missing = width - DisplayWidth.of(text)
        return missing > 0 ? String(repeating: " ", count: missing) + text : text
    }
}

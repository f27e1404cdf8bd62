import PlatformSupport
import Profile
import Sampling

extension ProfileScreen {
    static let helpSections: [HelpOverlay.Section] = [
        .init(title: "Both panes", keys: [
            ("Tab", "switch pane"),
            ("↑ ↓  j k", "move"),
            ("PgUp PgDn", "page up / down"),
            ("Home End", "first / last (g G)"),
            ("/", "search functions"),
            ("f", "names: short ⇄ full"),
            ("n N", "next / previous match"),
            ("p", "pause, keep sampling"),
            ("r", "reset the counts"),
            ("w", "unwind: fp ⇄ DWARF"),
            ("o", "mode: CPU/off-CPU/wall"),
            ("e", "export: folded or pprof"),
            ("Esc", "clear search/zoom/focus"),
            ("q", "back to process list"),
            ("?  F1", "this help"),
        ]),
        .init(title: "Flame tree", keys: [
            ("Enter Space", "expand / collapse"),
            ("→ ←  l h", "expand / collapse, move"),
            ("+  -", "expand ≥0.1% / fold all"),
            ("z  Z u", "zoom in / back out"),
            ("i", "invert: show callers"),
        ]),
        .init(title: "Top functions", keys: [
            ("s", "sort by self / total"),
            ("Enter", "focus the tree on it"),
        ]),
        .init(title: "Time window", keys: [
            ("t", "all / last 10 s / 60 s"),
            ("[ ]{ }< >", "move 1 s/10 s, resize"),
            ("m", "window → baseline"),
            ("T", "by thread, one thread"),
        ]),
    ]

    public func render(into canvas: inout Canvas) {
        guard canvas.width > 0, canvas.height > 0 else { return }
        let layout = ProfileLayout(width: canvas.width, height: canvas.height, timeline: hasTimeline)
        renderStatus(into: &canvas)
        if let row = layout.timeline { renderTimeline(into: &canvas, row: row) }
        if let diff, diff.isShown {
            diff.render(into: &canvas, layout: layout, currentName: latest?.targetName ?? "profile")
        } else {
            renderTreeHeader(into: &canvas, row: layout.treeHeader)
            renderTree(into: &canvas, rows: layout.treeRows)
            renderFunctionsHeader(into: &canvas, row: layout.functionsHeader, columnsRow: layout.functionsColumns)
            renderFunctions(into: &canvas, rows: layout.functionRows)
        }
        renderFooter(into: &canvas, row: layout.footer)
        if showsHelp {
            let sections = isShowingDiff ? DiffScreen.helpSections
                : Self.helpSections + (diff == nil ? [] : DiffScreen.toggleHelp)
            HelpOverlay(title: "flametop: profile keys", sections: sections).render(into: &canvas)
        }
    }

    // MARK: Status

    private func renderStatus(into canvas: inout Canvas) {
        canvas.fill(row: 0, style: .header)
        guard let snapshot = latest else {
            canvas.write(" flametop  starting…", row: 0, column: 0, style: .header)
            return
        }
        var first: [(String, Style)] = [("flametop", Style.header.with(bold: true))]
        var second: [(String, Style)] = []
        if isLive {
            first.append((targetDescription(snapshot), .header))
            first.append((timeDescription(snapshot), .header))
            let samples = snapshot.counts.totalSamples
            let mode = snapshot.settings.mode
            if mode == .cpu {
                first.append(("\(NumberFormat.grouped(samples)) samples", .header))
                let rate = snapshot.elapsed > 0 ? Double(samples) / snapshot.elapsed : 0
                first.append(("\(NumberFormat.fixed(rate, digits: 0))/s", .header))
            } else {
                // The mode segment before the target says what this time is.
                first.append((OffCPUWords.time(microseconds: samples), .header))
            }
            if mode.samplesCPU { first.append(("\(snapshot.settings.frequency) Hz", .header)) }
            // CPU mode's counts say their unit ("samples"); the others name the mode first.
            if mode != .cpu { first.insert((Self.modeDescription(mode), Style.header.with(bold: true)), at: 1) }
            switch snapshot.state {
            case .targetExited: second.append(("process exited: profile frozen", .warning))
            case .failed(let reason): second.append(("sampling failed: \(reason)", .warning))
            case .finished: second.append(("finished", Style.plain.with(bold: true)))
            case .stopped: second.append(("stopped", Style.plain.with(bold: true)))
            case .running: break
            }
            second.append((Self.unwindDescription(snapshot), .plain))
            if let hint = Self.unwindHint(snapshot) { second.append((hint, .warning)) }
            if let selfUsage {
                second.append(("flametop \(NumberFormat.percent(selfUsage.cpuPercent))% CPU "
                               + NumberFormat.bytes(selfUsage.residentBytes), .dim))
            }
            let gap = Double(snapshot.statistics.longestDrainGapMicroseconds) / 1e6
            if gap >= Double(snapshot.settings.drainIntervalMilliseconds) / 1000 + RecordSummary.starvedLag {
                second.append((String(cFormat: "drains fell behind (%.1f s): host starved", gap), .warning))
            }
            if let memory = snapshot.memory, !memory.degraded.isEmpty {
                let names = memory.degraded.map(\.rawValue).joined(separator: ", ")
                second.append(("over memory budget (\(names)): degraded, see --memory-limit", .warning))
            }
            let losses = SamplingWords.losses(snapshot.statistics)
            if losses.isEmpty {
                second.append(("no samples lost", .dim))
            } else {
                let text = losses.map { "\($0.name): \(NumberFormat.grouped($0.count))" }.joined(separator: ", ")
                second.append(("lost " + text, .warning))
            }
            if let unresolved = snapshot.unresolvedModules.first {
                second.append(("unresolved " + unresolved, .warning))
            }
        } else {
            first.append((snapshot.targetName, .header))
            // A saved profile's stacks are in the model, not in its (empty) snapshot.
            let stacks = model?.stacks
            first.append(("\(NumberFormat.grouped(stacks?.totalSamples ?? 0)) samples", .header))
            first.append(("\(NumberFormat.grouped(UInt64(stacks?.stackCount ?? 0))) stacks", .header))
            second.append(("saved profile", .dim))
        }
        if isPaused { second.insert(("PAUSED (p resumes)", .warning), at: 0) }
        writeSegments(first, into: &canvas, row: 0)
        writeSegments(second, into: &canvas, row: 1)
    }

    private func writeSegments(_ segments: [(String, Style)], into canvas: inout Canvas, row: Int) {
        var column = 1
        for (index, segment) in segments.enumerated() {
            if index > 0 { column += 2 }
            guard column < canvas.width - 1 else { break }
            column += canvas.write(segment.0, row: row, column: column, maxWidth: canvas.width - 1 - column,
                                   style: segment.1)
        }
    }

    /// "mode CPU (samples)", "mode off-CPU (time)", "mode wall (time)": what the counts are.
    static func modeDescription(_ mode: ProfileMode) -> String {
        "mode \(OffCPUWords.name(mode)) (\(mode == .cpu ? "samples" : "time"))"
    }

    /// "unwind fp", "unwind dwarf", "unwind auto→dwarf", "unwind auto (deciding)";
    /// system-wide under auto: how many processes went to DWARF.
    static func unwindDescription(_ snapshot: SessionSnapshot) -> String {
        if case .allProcesses = snapshot.settings.target, snapshot.settings.unwind == .auto {
            let log = snapshot.unwindDecisions
            return "unwind auto (\(log.processesOnDwarf) dwarf, \(log.processesOnFramePointers) fp)"
        }
        let inUse = snapshot.unwind == .dwarf ? "dwarf" : "fp"
        var text: String
        switch (snapshot.settings.unwind, snapshot.unwind) {
        case (_, .auto): text = "unwind auto (deciding)"
        case (.auto, _): text = "unwind auto→\(inUse)"
        default: text = "unwind \(inUse)"
        }
        if snapshot.unwind == .dwarf, let copy = snapshot.stackCopyBytes, copy != snapshot.settings.stackCopyBytes {
            text += " \(copy / 1024)K"
        }
        return text
    }

    /// Frame pointers chosen by hand on code without them: say so and how to fix it.
    static func unwindHint(_ snapshot: SessionSnapshot) -> String? {
        let statistics = snapshot.statistics
        guard snapshot.unwind == .framePointers, statistics.framePointerStacks >= UnwindPolicy.decisionStacks,
              Double(statistics.framePointerStacksIncomplete)
                >= Double(statistics.framePointerStacks) * UnwindPolicy.incompleteShareForDwarf
        else { return nil }
        let percent = Double(statistics.framePointerStacksIncomplete) * 100 / Double(statistics.framePointerStacks)
        return "\(NumberFormat.fixed(percent, digits: 0))% of stacks incomplete (no frame pointers): w for DWARF"
    }

    private func targetDescription(_ snapshot: SessionSnapshot) -> String {
        switch snapshot.settings.target {
        case .process(let pid): return "\(snapshot.targetName) [\(pid)]"
        case .allProcesses: return "all processes"
        }
    }

    private func timeDescription(_ snapshot: SessionSnapshot) -> String {
        let elapsed = NumberFormat.duration(snapshot.elapsed)
        guard let duration = snapshot.settings.duration else { return elapsed + " (until stopped)" }
        let remaining = max(0, Double(duration) - snapshot.elapsed)
        return "\(elapsed) / \(NumberFormat.duration(Double(duration)))"
            + (snapshot.state == .running ? " (\(NumberFormat.duration(remaining)) left)" : "")
    }

    // MARK: Flame tree

    private func paneTitleStyle(_ pane: Pane) -> Style {
        self.pane == pane ? Style.header.with(bold: true) : .dim
    }

    private func renderTreeHeader(into canvas: inout Canvas, row: Int) {
        let style = paneTitleStyle(.tree)
        canvas.fill(row: row, style: style)
        var title = tree.mode.inverted ? " Flame tree: callers (bottom-up)" : " Flame tree"
        if let threads = threadView.title { title += "  \(threads)" }
        if let focus = tree.mode.focus { title += "  focus \(nameForm.name(of: focus))" }
        if let zoomed = tree.zoomedFunction { title += "  zoom \(nameForm.name(of: zoomed))" }
        let used = canvas.write(title, row: row, column: 0, style: style)
        if !searchQuery.isEmpty {
            let share = searchShare.map { NumberFormat.percent($0) + "% of samples" } ?? ""
            canvas.write("  \"\(searchQuery)\" \(share)", row: row, column: used, style: Style.match)
        }
    }

    private func renderTree(into canvas: inout Canvas, rows area: Range<Int>) {
        guard let callTree = tree.tree else {
            if let row = area.first { canvas.write("building the profile…", row: row, column: 1, style: .dim) }
            return
        }
        if callTree.totalSamples(of: callTree.root) == 0, let row = area.first {
            canvas.write("no samples yet", row: row, column: 1, style: .dim)
            return
        }
        let barWidth = canvas.width >= 120 ? 20 : 10
        let maxIndent = max(0, canvas.width / 3)
        for (offset, index) in (tree.scrollOffset..<min(tree.rows.count, tree.scrollOffset + area.count)).enumerated() {
            let row = area.lowerBound + offset
            let entry = tree.rows[index]
            var column = min(entry.depth, maxIndent)
            let glyph = entry.hasChildren ? (entry.isExpanded ? canvas.glyphs.expanded : canvas.glyphs.collapsed)
                                          : canvas.glyphs.leaf
            column += canvas.write(String(glyph), row: row, column: column) + 1
            let percent = callTree.totalPercentOfProfile(entry.node)
            column += canvas.write(pad(NumberFormat.percent(percent) + "%", 6), row: row, column: column) + 1
            let barStyle: Style = percent >= 50 ? .hot : (percent >= 10 ? .warm : .plain)
            canvas.bar(fraction: percent / 100, row: row, column: column, width: barWidth, style: barStyle)
            column += barWidth + 1
            let node = callTree[entry.node]
            let name = node.identity.map(nameForm.name(of:)) ?? (isLive ? "all samples" : "all")
            var nameStyle: Style = switch node.identity?.kind {
            case .kernel: .kernel
            case .process, .thread: Style.plain.with(bold: true)
            default: .plain
            }
            if !searchQuery.isEmpty, let identity = node.identity, FunctionNameForm.matches(identity, query: searchQuery) {
                nameStyle = .match
            }
            let used = canvas.write(name, row: row, column: column, style: nameStyle)
            if let module = node.identity?.module, !name.hasPrefix(module), column + used + 2 < canvas.width {
                canvas.write(" " + module, row: row, column: column + used, style: .dim)
            }
            if index == tree.selectedIndex && pane == .tree {
                canvas.restyle(row: row) { $0.role == .match ? Style.selection.with(underline: true) : .selection }
            } else if index == tree.selectedIndex {
                canvas.restyle(row: row) { $0.with(underline: true) }
            }
        }
    }

    // MARK: Top functions

    private enum FunctionColumn {
        static let selfPercent = 6, totalPercent = 7, samples = 10
    }

    private func renderFunctionsHeader(into canvas: inout Canvas, row: Int, columnsRow: Int) {
        let style = paneTitleStyle(.functions)
        canvas.fill(row: row, style: style)
        let order = functions.sortKey == .selfSamples ? "self" : "total"
        let unit = showsTime ? "time" : "samples"
        canvas.write(" Top functions (by \(order) \(unit))", row: row, column: 0, style: style)
        let arrow = String(canvas.glyphs.down)
        let selfLabel = functions.sortKey == .selfSamples ? arrow + "SELF%" : "SELF%"
        let totalLabel = functions.sortKey == .totalSamples ? arrow + "TOTAL%" : "TOTAL%"
        let widths = functionColumnWidths(canvas.width)
        var column = 0
        column += canvas.write(pad(selfLabel, FunctionColumn.selfPercent), row: columnsRow, column: column, style: .dim) + 1
        column += canvas.write(pad(totalLabel, FunctionColumn.totalPercent), row: columnsRow, column: column, style: .dim) + 1
        let amountLabel = showsTime ? "TIME" : "SAMPLES"
        column += canvas.write(pad(amountLabel, FunctionColumn.samples), row: columnsRow, column: column, style: .dim) + 1
        canvas.write("FUNCTION", row: columnsRow, column: column, style: .dim)
        canvas.write("MODULE", row: columnsRow, column: column + widths.function + 1, style: .dim)
    }

    private func functionColumnWidths(_ width: Int) -> (function: Int, module: Int) {
        let fixed = FunctionColumn.selfPercent + FunctionColumn.totalPercent + FunctionColumn.samples + 3
        let rest = max(0, width - fixed)
        let function = max(10, (rest * 6) / 10)
        return (function, max(0, rest - function - 1))
    }

    private func renderFunctions(into canvas: inout Canvas, rows area: Range<Int>) {
        if functions.rows.isEmpty {
            if let row = area.first { canvas.write("no samples yet", row: row, column: 1, style: .dim) }
            return
        }
        let widths = functionColumnWidths(canvas.width)
        let range = functions.scrollOffset..<min(functions.rows.count, functions.scrollOffset + area.count)
        for (offset, index) in range.enumerated() {
            let row = area.lowerBound + offset
            let stat = functions.rows[index]
            var column = 0
            let hot: Style = stat.selfPercent >= 50 ? .hot : (stat.selfPercent >= 10 ? .warm : .plain)
            column += canvas.write(pad(NumberFormat.percent(stat.selfPercent) + "%", FunctionColumn.selfPercent),
                                   row: row, column: column, style: hot) + 1
            column += canvas.write(pad(NumberFormat.percent(stat.totalPercent) + "%", FunctionColumn.totalPercent),
                                   row: row, column: column) + 1
            let samples = functions.sortKey == .selfSamples ? stat.selfSamples : stat.totalSamples
            let amount = showsTime
                ? OffCPUWords.time(microseconds: samples) : NumberFormat.grouped(samples)
            column += canvas.write(pad(amount, FunctionColumn.samples), row: row, column: column) + 1
            var nameStyle: Style = stat.identity.kind == .kernel ? .kernel : .plain
            if !searchQuery.isEmpty, FunctionNameForm.matches(stat.identity, query: searchQuery) { nameStyle = .match }
            canvas.write(nameForm.name(of: stat.identity), row: row, column: column, maxWidth: widths.function, style: nameStyle)
            column += widths.function + 1
            var module = stat.identity.module ?? (stat.identity.kind == .kernel ? "[kernel]" : "")
            if let location = stat.location { module += module.isEmpty ? "\(location)" : " (\(location))" }
            canvas.write(module, row: row, column: column, maxWidth: widths.module, style: .dim, truncation: .head)
            if index == functions.selectedIndex && pane == .functions {
                canvas.restyle(row: row) { $0.role == .match ? Style.selection.with(underline: true) : .selection }
            } else if index == functions.selectedIndex {
                canvas.restyle(row: row) { $0.with(underline: true) }
            }
        }
    }

    // MARK: Footer

    private func renderFooter(into canvas: inout Canvas, row: Int) {
        switch prompt {
        case .search(let editor), .export(let editor, _):
            editor.render(into: &canvas, row: row)
            return
        case .exportFormat:
            canvas.fill(row: row, style: .warning)
            canvas.write("Export as: f folded stacks  p pprof (.pb.gz, for go tool pprof)  Esc cancel",
                         row: row, column: 0, style: .warning)
            return
        case .confirmLeave:
            canvas.fill(row: row, style: .warning)
            canvas.write("Not exported (the autosave stays). Leave it? y leave  e export  n stay",
                         row: row, column: 0, style: .warning)
            return
        case nil:
            break
        }
        if let message, message.isError {
            // Whole, on up to three lines ending at the footer (over the table's last rows until the next key).
            let lines = MessageLines.wrap(message.text, width: canvas.width)
            for (offset, line) in lines.enumerated() {
                let target = row - (lines.count - 1) + offset
                canvas.fill(row: target, style: .warning)
                canvas.write(line, row: target, column: 0, style: .warning)
            }
            return
        }
        if let message {
            // A note about a file reads from its end (the name).
            canvas.fill(row: row)
            canvas.write(message.text, row: row, column: 0, style: .plain, truncation: .head)
            return
        }
        if let diff, diff.isShown {
            KeyHints.render(diff.hints(isLive: isLive, isPaused: isPaused), into: &canvas, row: row)
            return
        }
        var hints: [(key: String, label: String)] = [("Tab", "Pane")]
        hints += pane == .tree ? [("Enter", "Fold")] : [("s", "Sort"), ("Enter", "Focus")]
        hints += [("/", "Search"), ("p", isPaused ? "Resume" : "Pause"), ("e", "Export"), ("?", "Help"),
                  ("q", isLive ? "Back" : "Quit")]
        if pane == .tree { hints += [("z", "Zoom"), ("i", "Invert")] }
        if isLive { hints += [("r", "Reset"), ("w", "Unwind"), ("o", "Mode")] }
        hints.append(("f", nameForm == .short ? "Full names" : "Short names"))
        if diff != nil { hints.insert(("b", "Diff"), at: 1) }
        KeyHints.render(hints, into: &canvas, row: row)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        let missing = width - DisplayWidth.of(text)
        return missing > 0 ? String(repeating: " ", count: missing) + text : text
    }
}

import Profile

extension DiffScreen {
    /// Draws both panes into the rows `layout` gives them (the screen draws status and footer).
    func render(into canvas: inout Canvas, layout: ProfileLayout, currentName: String) {
        renderTree(into: &canvas, header: layout.treeHeader, rows: layout.treeRows, currentName: currentName)
        renderTable(into: &canvas, header: layout.functionsHeader, columnsRow: layout.functionsColumns,
                    rows: layout.functionRows)
    }

    private enum Column {
        static let mark = 1, delta = 7, percent = 7, samples = 9, verdict = 8
    }

    private func titleStyle(_ pane: Pane) -> Style {
        self.pane == pane ? Style.header.with(bold: true) : .dim
    }

    /// Red for a finding that grew, green for one that shrank; the `+`/`-` mark says the same
    /// without colour (NO_COLOR, ASCII, colour-blind readers).
    static func changeStyle(_ verdict: ProfileDiff.Verdict, delta: Double) -> Style {
        guard verdict == .finding else { return .dim }
        return delta > 0 ? Style(.grew, bold: true) : Style(.shrank, bold: true)
    }

    static func mark(_ verdict: ProfileDiff.Verdict, delta: Double) -> String {
        verdict == .finding ? (delta > 0 ? "+" : "-") : " "
    }

    static func points(_ delta: Double) -> String {
        let rounded = (delta * 10).rounded() / 10
        return rounded == 0 ? "0.0" : (rounded > 0 ? "+" : "") + NumberFormat.fixed(rounded, digits: 1)
    }

    static func presenceTag(_ presence: ProfileDiff.Presence) -> String? {
        switch presence {
        case .new: " new"
        case .vanished: " gone"
        case .both: nil
        }
    }

    // MARK: Tree

    private func renderTree(into canvas: inout Canvas, header: Int, rows area: Range<Int>, currentName: String) {
        let style = titleStyle(.tree)
        canvas.fill(row: header, style: style)
        var title = " Diff tree: \(currentName) vs \(baseline.name) (total share now / before, change in points)"
        if let findings = tree.tree?.nodes.filter({ $0.verdict == .finding }).count {
            title += "  \(findings) path\(findings == 1 ? "" : "s") changed"
        }
        canvas.write(title, row: header, column: 0, style: style)
        guard let diff = tree.tree else {
            if let row = area.first { canvas.write("building the profile…", row: row, column: 1, style: .dim) }
            return
        }
        let maxIndent = max(0, canvas.width / 3)
        let range = tree.scrollOffset..<min(tree.rows.count, tree.scrollOffset + area.count)
        for (offset, index) in range.enumerated() {
            let row = area.lowerBound + offset
            let entry = tree.rows[index]
            let node = diff.nodes[entry.node]
            var column = writeChange(node.verdict, delta: node.delta, now: node.currentPercent,
                                     before: node.baselinePercent, into: &canvas, row: row) + 2
            column += min(node.depth, maxIndent)
            let glyph = entry.hasChildren ? (entry.isExpanded ? canvas.glyphs.expanded : canvas.glyphs.collapsed)
                                          : canvas.glyphs.leaf
            column += canvas.write(String(glyph), row: row, column: column) + 1
            let name = node.identity?.function ?? "all"
            let nameStyle: Style = node.identity?.kind == .kernel ? .kernel : .plain
            column += canvas.write(name, row: row, column: column, style: nameStyle)
            if let tag = Self.presenceTag(node.presence) {
                canvas.write(tag, row: row, column: column, style: .warning)
            }
            highlight(&canvas, row: row, selected: index == tree.selectedIndex, pane: .tree)
        }
    }

    // MARK: Table

    private func renderTable(into canvas: inout Canvas, header: Int, columnsRow: Int, rows area: Range<Int>) {
        let style = titleStyle(.table)
        canvas.fill(row: header, style: style)
        var title = " Changes in self share (by size)"
        if let diff = table.diff {
            let findings = diff.findings.count
            title += findings == 0 ? ": no finding, all noise" : ": \(findings) finding\(findings == 1 ? "" : "s")"
            title += "  (p < \(diff.rule.alpha)/\(diff.comparisons) and >= \(NumberFormat.fixed(diff.rule.minimumPoints, digits: 1)) pt)"
        }
        canvas.write(title, row: header, column: 0, style: style)
        var column = Column.mark + 1
        for (label, width) in [("CHANGE", Column.delta), ("NOW", Column.percent), ("BEFORE", Column.percent),
                               ("SAMPLES", Column.samples), ("BEFORE", Column.samples)] {
            column += canvas.write(pad(label, width), row: columnsRow, column: column, style: .dim) + 1
        }
        column += canvas.write(" VERDICT" + String(repeating: " ", count: Column.verdict - 7), row: columnsRow,
                               column: column, style: .dim)
        canvas.write(" FUNCTION", row: columnsRow, column: column, style: .dim)

        let rows = table.rows
        if rows.isEmpty {
            if let row = area.first { canvas.write("no samples yet", row: row, column: 1, style: .dim) }
            return
        }
        let range = table.scrollOffset..<min(rows.count, table.scrollOffset + area.count)
        for (offset, index) in range.enumerated() {
            let row = area.lowerBound + offset
            let entry = rows[index]
            var column = writeChange(entry.verdict, delta: entry.selfDelta, now: entry.currentSelfPercent,
                                     before: entry.baselineSelfPercent, into: &canvas, row: row) + 1
            column += canvas.write(pad(NumberFormat.grouped(entry.currentSelfSamples), Column.samples),
                                   row: row, column: column) + 1
            column += canvas.write(pad(NumberFormat.grouped(entry.baselineSelfSamples), Column.samples),
                                   row: row, column: column, style: .dim) + 1
            let verdict = entry.isFinding ? "finding" : "noise"
            let padded = verdict + String(repeating: " ", count: max(0, Column.verdict - verdict.count))
            column += canvas.write(" " + padded,
                                   row: row, column: column, style: entry.isFinding ? Self.changeStyle(entry.verdict, delta: entry.selfDelta) : .dim)
            column += canvas.write(" " + entry.identity.function, row: row, column: column,
                                   style: entry.identity.kind == .kernel ? .kernel : .plain)
            if let tag = Self.presenceTag(entry.presence) {
                canvas.write(tag, row: row, column: column, style: .warning)
            }
            highlight(&canvas, row: row, selected: index == table.selectedIndex, pane: .table)
        }
    }

    /// The columns both panes start with: the mark, the change in points, the share
    /// now and before. Returns the column after them.
    private func writeChange(_ verdict: ProfileDiff.Verdict, delta: Double, now: Double, before: Double,
                             into canvas: inout Canvas, row: Int) -> Int {
        let style = Self.changeStyle(verdict, delta: delta)
        var column = canvas.write(Self.mark(verdict, delta: delta), row: row, column: 0, style: style) + 1
        column += canvas.write(pad(Self.points(delta), Column.delta), row: row, column: column, style: style) + 1
        column += canvas.write(pad(NumberFormat.percent(now) + "%", Column.percent), row: row, column: column) + 1
        column += canvas.write(pad(NumberFormat.percent(before) + "%", Column.percent), row: row, column: column,
                               style: .dim)
        return column
    }

    private func highlight(_ canvas: inout Canvas, row: Int, selected: Bool, pane: Pane) {
        guard selected else { return }
        if self.pane == pane {
            canvas.restyle(row: row) { _ in .selection }
        } else {
            canvas.restyle(row: row) { $0.with(underline: true) }
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        let missing = width - DisplayWidth.of(text)
        return missing > 0 ? String(repeating: " ", count: missing) + text : text
    }
}

/// A framed box over the screen listing every key of the current screen. Sections
/// flow into as many columns as the width allows, so it fits from 80×24 up.
struct HelpOverlay {
    struct Section {
        var title: String
        var keys: [(key: String, description: String)]
    }

    var title: String
    var sections: [Section]

    func render(into canvas: inout Canvas) {
        var lines: [(text: String, isTitle: Bool, key: String)] = []
        for section in sections {
            if !lines.isEmpty { lines.append(("", false, "")) }
            lines.append((section.title, true, ""))
            for entry in section.keys { lines.append((entry.description, false, entry.key)) }
        }
        let keyWidth = min(12, sections.flatMap(\.keys).map { DisplayWidth.of($0.key) }.max() ?? 0)
        let textWidth = lines.map { DisplayWidth.of($0.text) }.max() ?? 0
        let innerHeight = max(1, canvas.height - 3)
        let columns = max(1, Int((Double(lines.count) / Double(innerHeight)).rounded(.up)))
        let perColumn = Int((Double(lines.count) / Double(columns)).rounded(.up))
        // Columns shrink (descriptions get cut) rather than overflow a narrow terminal.
        let columnWidth = min(keyWidth + 2 + textWidth, max(1, (canvas.width - 4) / columns - 2))
        let boxWidth = min(canvas.width, columns * (columnWidth + 2) + 2)
        let boxHeight = min(canvas.height, perColumn + 3)
        let left = (canvas.width - boxWidth) / 2
        let top = (canvas.height - boxHeight) / 2
        canvas.box(top: top, left: left, height: boxHeight, width: boxWidth, title: title)
        for (index, line) in lines.enumerated() {
            let column = index / max(1, perColumn)
            let row = top + 1 + index % max(1, perColumn)
            guard row < top + boxHeight - 1 else { continue }
            let x = left + 2 + column * (columnWidth + 2)
            if line.isTitle {
                canvas.write(line.text, row: row, column: x, maxWidth: columnWidth, style: .header)
            } else if !line.key.isEmpty {
                canvas.write(line.key, row: row, column: x, maxWidth: keyWidth, style: .key)
                canvas.write(line.text, row: row, column: x + keyWidth + 2,
                             maxWidth: max(0, columnWidth - keyWidth - 2))
            }
        }
        canvas.write("any key closes", row: top + boxHeight - 1, column: left + boxWidth - 18,
                     maxWidth: 16, style: .dim)
    }
}

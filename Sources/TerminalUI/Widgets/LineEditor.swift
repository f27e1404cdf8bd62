/// A one-line text prompt (filter, frequency, file name): typing appends, Backspace
/// deletes, Ctrl-U clears, Enter commits, Esc cancels.
struct LineEditor: Equatable {
    enum Outcome: Equatable {
        case editing
        case committed(String)
        case cancelled
    }

    var label: String
    var text: String
    var maxLength: Int

    init(label: String, text: String = "", maxLength: Int = 200) {
        self.label = label
        self.text = text
        self.maxLength = maxLength
    }

    mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .enter: return .committed(text)
        case .escape: return .cancelled
        case .backspace, .delete:
            if !text.isEmpty { text.removeLast() }
        case .control("u"):
            text = ""
        case .control("w"):
            while text.last == " " { text.removeLast() }
            while let last = text.last, last != " " { _ = last; text.removeLast() }
        case .character(let character):
            if text.count < maxLength { text.append(character) }
        default:
            break
        }
        return .editing
    }

    /// Draws `label text█` on one row, scrolled so the end of the text stays visible.
    func render(into canvas: inout Canvas, row: Int, style: Style = .plain) {
        canvas.fill(row: row, style: style)
        let used = canvas.write(label, row: row, column: 0, style: style.with(bold: true))
        let room = canvas.width - used - 1
        guard room > 0 else { return }
        let shown = canvas.fit(text, width: room, truncation: .head)
        let written = canvas.write(shown, row: row, column: used, style: style)
        canvas.write(String(canvas.glyphs.barFull), row: row, column: used + written, style: style)
    }
}

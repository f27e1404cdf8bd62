/// The footer line of key hints (`Enter Profile  / Filter  q Quit`); hints that do
/// not fit are left out from the end, never cut in half.
enum KeyHints {
    static func render(_ hints: [(key: String, label: String)], into canvas: inout Canvas, row: Int) {
        canvas.fill(row: row, style: .plain)
        var column = 0
        for hint in hints {
            let width = DisplayWidth.of(hint.key) + 1 + DisplayWidth.of(hint.label)
            guard column + width <= canvas.width else { break }
            column += canvas.write(hint.key, row: row, column: column, style: .key)
            column += canvas.write(" " + hint.label, row: row, column: column, style: .plain)
            column += 2
        }
    }
}

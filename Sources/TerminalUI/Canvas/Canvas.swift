/// A grid of styled cells that views draw into; the terminal edge copies it to the
/// screen. Drawing never writes outside the grid or past a requested width, so views
/// can be tested at any size by reading rows back as strings.
public struct Canvas: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let glyphs: Glyphs
    public private(set) var cells: [Cell]

    /// What to do with text longer than the space given to it.
    public enum Truncation: Sendable {
        /// Cut and end with the ellipsis glyph.
        case ellipsis
        /// Cut at the edge.
        case clip
        /// Keep the end, start with the ellipsis glyph (for paths).
        case head
    }

    public init(width: Int, height: Int, glyphs: Glyphs = .unicode) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.glyphs = glyphs
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(row: Int, column: Int) -> Cell {
        get {
            guard contains(row: row, column: column) else { return .blank }
            return cells[row * width + column]
        }
        set {
            guard contains(row: row, column: column) else { return }
            cells[row * width + column] = newValue
        }
    }

    public func contains(row: Int, column: Int) -> Bool {
        row >= 0 && row < height && column >= 0 && column < width
    }

    // MARK: Text

    /// Writes `text` at (row, column), at most `maxWidth` columns (and never past the
    /// right edge). Returns the number of columns written.
    @discardableResult
    public mutating func write(_ text: String, row: Int, column: Int, maxWidth: Int? = nil,
                               style: Style = .plain, truncation: Truncation = .ellipsis) -> Int {
        guard row >= 0, row < height, column < width else { return 0 }
        let start = max(0, column)
        let limit = min(maxWidth ?? Int.max, width - start)
        guard limit > 0 else { return 0 }
        let fitted = fit(text, width: limit, truncation: truncation)
        var x = start
        for character in fitted {
            let cellWidth = DisplayWidth.of(character)
            if cellWidth == 0 { continue }
            clearWideNeighbours(row: row, column: x, width: cellWidth)
            self[row, x] = Cell(character, style: style)
            if cellWidth == 2 { self[row, x + 1] = Cell(" ", style: style, isContinuation: true) }
            x += cellWidth
        }
        return x - start
    }

    /// Writes `text` right-aligned so that it ends just before `endColumn`.
    @discardableResult
    public mutating func writeRightAligned(_ text: String, row: Int, endColumn: Int, maxWidth: Int,
                                           style: Style = .plain) -> Int {
        let fitted = fit(text, width: maxWidth, truncation: .ellipsis)
        let used = DisplayWidth.of(fitted)
        return write(fitted, row: row, column: endColumn - used, maxWidth: used, style: style, truncation: .clip)
    }

    /// `text` made printable and cut to `width` columns (as `write` would draw it).
    public func fit(_ text: String, width: Int, truncation: Truncation = .ellipsis) -> String {
        guard width > 0 else { return "" }
        let clean = printable(text)
        if DisplayWidth.of(clean) <= width { return clean }
        switch truncation {
        case .clip:
            return prefix(of: clean, width: width)
        case .ellipsis:
            return prefix(of: clean, width: width - 1) + String(glyphs.ellipsis)
        case .head:
            return String(glyphs.ellipsis) + suffix(of: clean, width: width - 1)
        }
    }

    /// Replaces control characters (a command line may hold escape sequences) and, in
    /// ASCII mode, every non-ASCII character, so nothing reaching the terminal can move
    /// its cursor or change its state.
    public func printable(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            if character.unicodeScalars.contains(where: Self.isControl) {
                result.append(character == "\t" ? " " : "?")
            } else if glyphs.isASCII && !character.isASCII {
                result.append("?")
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    private func prefix(of text: String, width: Int) -> String {
        var used = 0
        var result = ""
        for character in text {
            let cellWidth = DisplayWidth.of(character)
            if used + cellWidth > width { break }
            used += cellWidth
            result.append(character)
        }
        return result
    }

    private func suffix(of text: String, width: Int) -> String {
        var used = 0
        var result: [Character] = []
        for character in text.reversed() {
            let cellWidth = DisplayWidth.of(character)
            if used + cellWidth > width { break }
            used += cellWidth
            result.append(character)
        }
        return String(result.reversed())
    }

    /// Overwriting half of a wide character leaves its other half blank, never a
    /// dangling continuation the terminal would draw at a shifted position.
    private mutating func clearWideNeighbours(row: Int, column: Int, width cellWidth: Int) {
        if self[row, column].isContinuation, column > 0 {
            self[row, column - 1] = Cell(" ", style: self[row, column - 1].style)
        }
        let after = column + cellWidth
        if contains(row: row, column: after), self[row, after].isContinuation {
            self[row, after] = Cell(" ", style: self[row, after].style)
        }
    }

    // MARK: Areas

    /// Fills `width` columns of a row with `character` in `style`.
    public mutating func fill(row: Int, column: Int = 0, width fillWidth: Int? = nil,
                              character: Character = " ", style: Style = .plain) {
        guard row >= 0, row < height else { return }
        let start = max(0, column)
        let end = min(width, column + (fillWidth ?? width))
        guard start < end else { return }
        if start > 0, self[row, start].isContinuation {
            self[row, start - 1] = Cell(" ", style: self[row, start - 1].style)
        }
        if end < width, self[row, end].isContinuation {
            self[row, end] = Cell(" ", style: self[row, end].style)
        }
        for x in start..<end { self[row, x] = Cell(character, style: style) }
    }

    /// Sets the style of existing cells without changing their characters (used to
    /// highlight a row or a search match after it is drawn).
    public mutating func restyle(row: Int, column: Int = 0, width styleWidth: Int? = nil,
                                 _ transform: (Style) -> Style) {
        guard row >= 0, row < height else { return }
        let end = min(width, column + (styleWidth ?? width))
        var x = max(0, column)
        while x < end {
            cells[row * width + x].style = transform(cells[row * width + x].style)
            x += 1
        }
    }

    /// A horizontal bar `width` cells long, filled in proportion to `fraction` (0…1).
    public mutating func bar(fraction: Double, row: Int, column: Int, width barWidth: Int,
                             style: Style = .plain, emptyStyle: Style = .dim) {
        guard barWidth > 0 else { return }
        let clamped = fraction.isFinite ? min(1, max(0, fraction)) : 0
        let full = Int((clamped * Double(barWidth)).rounded())
        fill(row: row, column: column, width: full, character: glyphs.barFull, style: style)
        fill(row: row, column: column + full, width: barWidth - full, character: glyphs.barEmpty, style: emptyStyle)
    }

    /// A frame around a rectangle, with an optional title in its top edge. The inside
    /// is cleared.
    public mutating func box(top: Int, left: Int, height boxHeight: Int, width boxWidth: Int,
                             title: String? = nil, style: Style = .plain) {
        guard boxHeight >= 2, boxWidth >= 2 else { return }
        let bottom = top + boxHeight - 1
        let right = left + boxWidth - 1
        for y in top...bottom {
            fill(row: y, column: left, width: boxWidth, style: style)
        }
        fill(row: top, column: left + 1, width: boxWidth - 2, character: glyphs.horizontal, style: style)
        fill(row: bottom, column: left + 1, width: boxWidth - 2, character: glyphs.horizontal, style: style)
        for y in (top + 1)..<bottom {
            self[y, left] = Cell(glyphs.vertical, style: style)
            self[y, right] = Cell(glyphs.vertical, style: style)
        }
        self[top, left] = Cell(glyphs.topLeft, style: style)
        self[top, right] = Cell(glyphs.topRight, style: style)
        self[bottom, left] = Cell(glyphs.bottomLeft, style: style)
        self[bottom, right] = Cell(glyphs.bottomRight, style: style)
        if let title, boxWidth > 4 {
            write(" \(title) ", row: top, column: left + 2, maxWidth: boxWidth - 4, style: style.with(bold: true))
        }
    }

    // MARK: Reading back

    /// A row as text, continuation cells skipped, trailing spaces removed.
    public func line(_ row: Int) -> String {
        guard row >= 0, row < height else { return "" }
        var text = ""
        for x in 0..<width where !cells[row * width + x].isContinuation {
            text.append(cells[row * width + x].character)
        }
        while text.last == " " { text.removeLast() }
        return text
    }

    /// Every row as text (see `line`).
    public var lines: [String] { (0..<height).map(line) }

    /// The whole canvas as text, one line per row, for test failure messages.
    public var text: String { lines.joined(separator: "\n") }

    /// The style of the first cell of a row whose text contains `needle`, for tests.
    public func style(row: Int, column: Int) -> Style { self[row, column].style }
}

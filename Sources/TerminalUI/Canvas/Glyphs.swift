/// The characters views draw with: box-drawing and block glyphs in UTF-8, plain ASCII
/// for a non-UTF-8 locale or `--ascii`. In ASCII mode the canvas also replaces every
/// non-ASCII character of text, so the terminal never receives bytes it cannot show.
public struct Glyphs: Sendable, Equatable {
    public var isASCII: Bool
    public var expanded: Character
    public var collapsed: Character
    public var leaf: Character
    public var barFull: Character
    public var barEmpty: Character
    public var ellipsis: Character
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    public var up: Character
    public var down: Character

    public static let unicode = Glyphs(
        isASCII: false, expanded: "▾", collapsed: "▸", leaf: " ", barFull: "█", barEmpty: "░",
        ellipsis: "…", horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐",
        bottomLeft: "└", bottomRight: "┘", up: "▲", down: "▼")

    public static let ascii = Glyphs(
        isASCII: true, expanded: "v", collapsed: ">", leaf: " ", barFull: "#", barEmpty: ".",
        ellipsis: "~", horizontal: "-", vertical: "|", topLeft: "+", topRight: "+",
        bottomLeft: "+", bottomRight: "+", up: "^", down: "v")
}

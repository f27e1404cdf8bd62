/// What a piece of text means on screen. The terminal edge maps each role to a colour
/// pair (or, without colours, to attributes alone), so views never name colours.
public enum ColorRole: UInt8, Sendable, CaseIterable, Hashable {
    case normal
    /// Title bar, column headers, status line.
    case header
    /// The row under the cursor.
    case selection
    /// Large shares (hot path, high CPU%).
    case hot
    /// Medium shares.
    case warm
    /// Kernel frames.
    case kernel
    /// Text matching the current search.
    case match
    /// Secondary text: module names, zero values, hints.
    case dim
    /// Something the user must notice: lost samples, a process that exited.
    case warning
    /// A key name in the footer or the help overlay.
    case key
    /// A share that grew significantly (diff view); red.
    case grew
    /// A share that shrank significantly (diff view); green.
    case shrank
}

/// How one cell is drawn: a role plus the attributes that also work without colour.
public struct Style: Sendable, Hashable {
    public var role: ColorRole
    public var bold: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(_ role: ColorRole = .normal, bold: Bool = false, reverse: Bool = false, underline: Bool = false) {
        self.role = role
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
    }

    public static let plain = Style()
    public static let header = Style(.header)
    public static let selection = Style(.selection, reverse: true)
    public static let hot = Style(.hot, bold: true)
    public static let warm = Style(.warm)
    public static let kernel = Style(.kernel)
    public static let match = Style(.match, bold: true, underline: true)
    public static let dim = Style(.dim)
    public static let warning = Style(.warning, bold: true)
    public static let key = Style(.key, bold: true)

    public func with(bold: Bool? = nil, reverse: Bool? = nil, underline: Bool? = nil) -> Style {
        var copy = self
        if let bold { copy.bold = bold }
        if let reverse { copy.reverse = reverse }
        if let underline { copy.underline = underline }
        return copy
    }
}

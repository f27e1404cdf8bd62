import CCurses

/// Maps style roles to curses colour pairs and attributes. Without colours (NO_COLOR,
/// --no-color, or a terminal without them) every role still reads differently through
/// bold, reverse, underline and dim alone.
struct ColorScheme {
    let usesColor: Bool

    /// (foreground, background) per role; -1 is the terminal's default colour.
    private static let pairs: [ColorRole: (Int16, Int16)] = [
        .header: (Int16(COLOR_BLACK), Int16(COLOR_GREEN)),
        .selection: (Int16(COLOR_BLACK), Int16(COLOR_CYAN)),
        .hot: (Int16(COLOR_RED), -1),
        .warm: (Int16(COLOR_YELLOW), -1),
        .kernel: (Int16(COLOR_MAGENTA), -1),
        .match: (Int16(COLOR_BLACK), Int16(COLOR_YELLOW)),
        .dim: (Int16(COLOR_BLUE), -1),
        .warning: (Int16(COLOR_WHITE), Int16(COLOR_RED)),
        .key: (Int16(COLOR_BLACK), Int16(COLOR_CYAN)),
        .grew: (Int16(COLOR_RED), -1),
        .shrank: (Int16(COLOR_GREEN), -1),
    ]

    /// Sets up the pairs; call after start_color.
    static func install(usesColor: Bool) -> ColorScheme {
        guard usesColor else { return ColorScheme(usesColor: false) }
        _ = use_default_colors()
        for role in ColorRole.allCases {
            guard let (foreground, background) = pairs[role] else { continue }
            _ = init_pair(pairNumber(role), foreground, background)
        }
        return ColorScheme(usesColor: true)
    }

    private static func pairNumber(_ role: ColorRole) -> Int16 { Int16(role.rawValue) + 1 }

    func attributes(for style: Style) -> (attributes: attr_t, pair: Int16) {
        var attributes = flametop_a_normal()
        var pair: Int16 = 0
        if usesColor {
            if Self.pairs[style.role] != nil { pair = Self.pairNumber(style.role) }
        } else {
            switch style.role {
            case .header, .selection: attributes |= flametop_a_reverse()
            case .hot, .key, .grew: attributes |= flametop_a_bold()
            case .warning: attributes |= flametop_a_bold() | flametop_a_reverse()
            case .dim: attributes |= flametop_a_dim()
            case .match: attributes |= flametop_a_underline()
            case .normal, .warm, .kernel, .shrank: break
            }
        }
        if style.bold { attributes |= flametop_a_bold() }
        // With colours the selection already has its own pair; reverse would undo it.
        if style.reverse && !(usesColor && style.role == .selection) { attributes |= flametop_a_reverse() }
        if style.underline { attributes |= flametop_a_underline() }
        return (attributes, pair)
    }
}

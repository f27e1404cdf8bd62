/// A key press as the views see it, decoded from ncurses' key codes.
public enum Key: Hashable, Sendable {
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete
    case function(Int)
    /// Ctrl plus a letter, other than the ones that are Tab, Enter or Backspace.
    case control(Character)
}

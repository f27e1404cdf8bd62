/// An error or note made fit for the screen: control characters out (a newline breaks the
/// line, other controls become spaces, so nothing shows as `?`), wrapped at word boundaries
/// into at most `maxLines` lines of `width` columns, its start always kept; only text past
/// the last line is cut, marked with `…`.
enum MessageLines {
    static func wrap(_ text: String, width: Int, maxLines: Int = 3) -> [String] {
        guard width > 0, maxLines > 0 else { return [] }
        var words: [[String]] = [[]]
        var current = ""
        for character in text {
            if character == "\n" || character == "\r\n" {
                if !current.isEmpty { words[words.count - 1].append(current) }
                current = ""
                words.append([])
            } else if character == " " || character == "\t" || character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .control }) {
                if !current.isEmpty { words[words.count - 1].append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words[words.count - 1].append(current) }
        var lines: [String] = []
        for paragraph in words where !paragraph.isEmpty {
            var line = ""
            for word in paragraph {
                var rest = word
                // A word wider than a line (a long path) is broken, not pushed off the screen.
                while DisplayWidth.of(rest) > width {
                    if !line.isEmpty { lines.append(line); line = "" }
                    let (head, tail) = split(rest, width: width)
                    lines.append(head)
                    rest = tail
                }
                if line.isEmpty {
                    line = rest
                } else if DisplayWidth.of(line) + 1 + DisplayWidth.of(rest) <= width {
                    line += " " + rest
                } else {
                    lines.append(line)
                    line = rest
                }
            }
            if !line.isEmpty { lines.append(line) }
        }
        guard lines.count > maxLines else { return lines }
        var kept = Array(lines.prefix(maxLines))
        var last = kept[maxLines - 1]
        while !last.isEmpty, DisplayWidth.of(last) + 1 > width { last.removeLast() }
        kept[maxLines - 1] = last + "…"
        return kept
    }

    private static func split(_ word: String, width: Int) -> (String, String) {
        var head = ""
        var index = word.startIndex
        while index < word.endIndex, DisplayWidth.of(head) + DisplayWidth.of(word[index]) <= width {
            head.append(word[index])
            index = word.index(after: index)
        }
        if head.isEmpty, index < word.endIndex {
            head.append(word[index])
            index = word.index(after: index)
        }
        return (head, String(word[index...]))
    }
}

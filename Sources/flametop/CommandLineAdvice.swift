import ArgumentParser

/// What swift-argument-parser leaves unsaid: the nearest subcommand to a mistyped one
/// (`flametop recrod`: it reports an unexpected argument of the default `top`), and an
/// unknown option of a command whose `validate()` fails first (`record --pdi 123` would say
/// only "give either --pid PID or --all"). The parser still parses; this only chooses words.
enum CommandLineAdvice {
    /// The message for `arguments` (without the program name) when they name no known
    /// subcommand or hold an option the subcommand does not have; nil when they look right.
    static func problem(in arguments: [String]) -> String? {
        let subcommands = Flametop.configuration.subcommands
        guard let first = arguments.first else { return nil }
        if !first.hasPrefix("-") {
            let names = subcommands.compactMap { $0.configuration.commandName }
            if !names.contains(first), first != "help" {
                let shown = subcommands.filter { $0.configuration.shouldDisplay }.compactMap { $0.configuration.commandName }
                if let nearest = nearest(first, among: names, maximumDistance: 2) {
                    return "Error: Unknown subcommand '\(first)'. Did you mean '\(nearest)'?\n"
                        + "  See 'flametop --help' for the subcommands."
                }
                return "Error: Unknown subcommand '\(first)'; the subcommands are \(shown.joined(separator: ", "))."
            }
        }
        let command = subcommands.first { $0.configuration.commandName == first } ?? TopCommand.self
        let commandName = command.configuration.commandName ?? "top"
        let known = optionNames(of: command)
        // RemoteCommand and the like have subcommands of their own: their options are theirs to judge.
        guard command.configuration.subcommands.isEmpty else { return nil }
        for argument in arguments {
            if argument == "--" { break }
            guard argument.hasPrefix("--"), argument.count > 2 else { continue }
            let name = String(argument.split(separator: "=", maxSplits: 1)[0])
            guard !known.contains(name) else { continue }
            let suggestion = nearest(name, among: known.filter { $0.hasPrefix("--") }, maximumDistance: 2)
                .map { " Did you mean '\($0)'?" } ?? ""
            return "Error: Unknown option '\(name)' for flametop \(commandName).\(suggestion)\n"
                + "  See 'flametop \(commandName) --help' for its options."
        }
        return nil
    }

    /// Every `--name` and `-x` the command's help lists (hidden ones included).
    static func optionNames(of command: ParsableCommand.Type) -> Set<String> {
        let help = Flametop.helpMessage(for: command, includeHidden: true, columns: 400)
        var names: Set<String> = ["--help", "-h", "--version"]
        for word in help.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "/" || $0 == "|" || $0 == "[" || $0 == "]" }) {
            var token = Substring(word)
            while let last = token.last, !(last.isLetter || last.isNumber) { token = token.dropLast() }
            if token.hasPrefix("-"), token.count > 1, token.dropFirst(token.hasPrefix("--") ? 2 : 1).first?.isLetter == true {
                names.insert(String(token.split(separator: "=")[0].split(separator: "<")[0]))
            }
        }
        return names
    }

    /// The candidate nearest to `word` by edit distance, if within `maximumDistance`.
    static func nearest(_ word: String, among candidates: some Sequence<String>, maximumDistance: Int) -> String? {
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(word, candidate)
            if distance <= maximumDistance, distance < best?.distance ?? .max { best = (candidate, distance) }
        }
        return best?.name
    }

    /// Damerau–Levenshtein (optimal string alignment): a swap of two letters counts one.
    static func editDistance(_ left: String, _ right: String) -> Int {
        let a = Array(left), b = Array(right)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}

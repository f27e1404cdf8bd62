import FoundationEssentials
import PlatformSupport
import Profile

/// The words and layout of `flametop diff`'s table: one line per function, largest change in
/// self share first, every finding shown whatever `rows` says.
struct DiffTable {
    let diff: ProfileDiff
    let baselineName: String
    let currentName: String
    let rows: Int

    var text: String {
        var lines: [String] = []
        lines.append("baseline \(baselineName): \(grouped(diff.baselineSamples)) samples;"
                     + " new \(currentName): \(grouped(diff.currentSamples)) samples")
        lines.append("\(diff.comparisons) functions compared: a change in self share is a finding when"
                     + " p < \(number(diff.rule.alpha)) / \(diff.comparisons) (Bonferroni)"
                     + " and it is at least \(number(diff.rule.minimumPoints)) point\(diff.rule.minimumPoints == 1 ? "" : "s")")
        lines.append("")
        let header = [pad("CHANGE", 7), pad("SELF NOW", 9), pad("SELF BASE", 9), pad("NOW", 9), pad("BASE", 9),
                      pad("P", 8), "  ", pad("VERDICT", -13), "FUNCTION"]
        lines.append(header.joined(separator: " "))
        let findings = diff.entries.filter(\.isFinding)
        let others = diff.entries.filter { !$0.isFinding }.prefix(max(0, rows - findings.count))
        for entry in findings + others { lines.append(line(entry)) }
        let hidden = diff.entries.count - findings.count - others.count
        if hidden > 0 { lines.append("… \(hidden) more with smaller changes (--top)") }
        lines.append("")
        if findings.isEmpty {
            lines.append("no finding: every change is noise")
        } else {
            let list = findings.map { "\($0.identity.function) \(signed($0.selfDelta))" }.joined(separator: ", ")
            lines.append("\(findings.count) finding\(findings.count == 1 ? "" : "s"): \(list)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func line(_ entry: ProfileDiff.Entry) -> String {
        let mark = entry.isFinding ? (entry.selfDelta > 0 ? "+" : "-") : " "
        var verdict = entry.isFinding ? "finding" : "noise"
        switch entry.presence {
        case .new: verdict += " new"
        case .vanished: verdict += " gone"
        case .both: break
        }
        let fields = [pad(signed(entry.selfDelta), 7),
                      pad(String(cFormat: "%.1f%%", entry.currentSelfPercent), 9),
                      pad(String(cFormat: "%.1f%%", entry.baselineSelfPercent), 9),
                      pad(grouped(entry.currentSelfSamples), 9), pad(grouped(entry.baselineSelfSamples), 9),
                      pad(pValue(entry.selfTest.pValue), 8), " " + mark, pad(verdict, -13),
                      entry.identity.description]
        return fields.joined(separator: " ")
    }

    private func signed(_ points: Double) -> String {
        let rounded = (points * 10).rounded() / 10
        return rounded == 0 ? "0.0" : String(cFormat: "%+.1f", rounded)
    }

    private func pValue(_ value: Double) -> String {
        value >= 0.001 ? String(cFormat: "%.3f", value) : (value < 1e-99 ? "<1e-99" : String(cFormat: "%.0e", value))
    }

    private func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    private func grouped(_ value: UInt64) -> String {
        var digits = Array(String(value))
        var index = digits.count - 3
        while index > 0 {
            digits.insert(",", at: index)
            index -= 3
        }
        return String(digits)
    }

    /// Right-aligned to `width`; a negative width left-aligns.
    private func pad(_ text: String, _ width: Int) -> String {
        let missing = abs(width) - text.count
        guard missing > 0 else { return text }
        let spaces = String(repeating: " ", count: missing)
        return width < 0 ? text + spaces : spaces + text
    }
}

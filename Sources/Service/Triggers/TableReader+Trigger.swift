import Sampling
import TOMLKit

extension TableReader {
    static let triggerKeys = ["name", "pid", "comm", "cgroup", "cpu_percent", "for_seconds", "cool_down_seconds",
                              "max_per_hour", "duration_seconds", "frequency_hz", "mode", "unwind"]

    /// Reads `[[trigger]]` tables. An error's key names the rule: `trigger "api-hot".cpu_percent`,
    /// or `trigger #2.name` while it has no name yet. The session's values are checked against
    /// the `[profiler]` limits, as a client's request would be.
    func readTriggers(_ value: TOMLValueConvertible,
                      limits: ServiceConfiguration.Profiler) throws(ConfigurationError) -> [TriggerRule] {
        guard let array = value.array, array.allSatisfy({ $0.table != nil }) else {
            throw ConfigurationError(key: "trigger", message: "must be an array of tables: write each rule under [[trigger]]",
                                     hint: "[[trigger]] takes \(Self.triggerKeys.joined(separator: ", "))")
        }
        var rules: [TriggerRule] = []
        for (offset, element) in array.enumerated() {
            let rule = try readTrigger(element.table!, number: offset + 1, limits: limits)
            if rules.contains(where: { $0.name == rule.name }) {
                throw ConfigurationError(key: "trigger \"\(rule.name)\".name",
                                         message: "another [[trigger]] has this name: each rule needs its own")
            }
            rules.append(rule)
        }
        return rules
    }

    private func readTrigger(_ table: TOMLTable, number: Int,
                             limits: ServiceConfiguration.Profiler) throws(ConfigurationError) -> TriggerRule {
        typealias L = TriggerRule.Limits
        typealias D = TriggerRule.Defaults
        guard let nameValue = table["name"] else {
            throw ConfigurationError(key: "trigger #\(number).name", message: "missing: every [[trigger]] needs a name",
                                     hint: "name = \"api-hot\" (GetStatus and the sessions it starts show it)")
        }
        let name = try string(nameValue, "trigger #\(number).name")
        let prefix = "trigger \"\(ClientEcho.bounded(name))\""
        var rule = TriggerRule(name: name, match: .pid(0), cpuPercent: 0,
                               durationSeconds: min(D.durationSeconds, limits.maxSessionDurationSeconds),
                               frequencyHz: min(D.frequencyHz, limits.maxFrequencyHz))
        var matches: [String] = []
        var sawThreshold = false
        for key in table.keys.sorted() {
            guard Self.triggerKeys.contains(key), let value = table[key] else {
                throw ConfigurationError(key: "\(prefix).\(key)", message: "unknown key",
                                         hint: "[[trigger]] takes \(Self.triggerKeys.joined(separator: ", "))")
            }
            let field = "\(prefix).\(key)"
            switch key {
            case "name": break
            case "pid":
                rule.match = .pid(Int32(try integer(value, field, in: 1...Int(Int32.max))))
                matches.append(key)
            case "comm":
                let command = try string(value, field)
                guard command.utf8.count <= ProcessMatch.commandLength else {
                    throw ConfigurationError(key: field, message: """
                        "\(ClientEcho.bounded(command))" is \(command.utf8.count) bytes: the kernel keeps a command name's \
                        first \(ProcessMatch.commandLength) (TASK_COMM_LEN), so it would never match
                        """, hint: "use the name as `ps -o comm` shows it: \"\(String(decoding: command.utf8.prefix(ProcessMatch.commandLength), as: UTF8.self))\"")
                }
                rule.match = .command(command)
                matches.append(key)
            case "cgroup":
                var path = try string(value, field)
                guard path.hasPrefix("/") else {
                    throw ConfigurationError(key: field, message: "must be a cgroup path starting with / (got \"\(ClientEcho.bounded(path))\")",
                                             hint: "as /proc/PID/cgroup shows it, like \"/system.slice/nginx.service\"")
                }
                while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
                rule.match = .cgroup(path)
                matches.append(key)
            case "cpu_percent":
                rule.cpuPercent = try percent(value, field)
                sawThreshold = true
            case "for_seconds": rule.forSeconds = try integer(value, field, in: L.forSeconds)
            case "cool_down_seconds": rule.coolDownSeconds = try integer(value, field, in: L.coolDownSeconds)
            case "max_per_hour": rule.maxPerHour = try integer(value, field, in: L.maxPerHour)
            case "duration_seconds":
                rule.durationSeconds = try integer(value, field, in: 1...limits.maxSessionDurationSeconds)
            case "frequency_hz": rule.frequencyHz = try integer(value, field, in: 1...limits.maxFrequencyHz)
            case "mode":
                let choices = ProfileMode.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                guard let text = value.string, let mode = ProfileMode(rawValue: text) else {
                    throw ConfigurationError(key: field, message: "must be one of \(choices) (got \(value.debugDescription))")
                }
                rule.mode = mode
            default: rule.unwind = try unwindMode(value, field)
            }
        }
        guard matches.count == 1 else {
            throw ConfigurationError(key: matches.isEmpty ? "\(prefix)" : "\(prefix).\(matches[1])",
                                     message: matches.isEmpty ? "names no process: set one of pid, comm or cgroup"
                                         : "sets \(matches.joined(separator: " and ")): a rule matches by one of pid, comm or cgroup",
                                     hint: "write one [[trigger]] per way of matching")
        }
        guard sawThreshold else {
            throw ConfigurationError(key: "\(prefix).cpu_percent", message: "missing: the CPU% above which the process is hot",
                                     hint: "cpu_percent = 80 (100 is one CPU busy, as top shows it)")
        }
        if rule.mode != .cpu, let unwind = rule.unwind, unwind != .framePointers {
            throw ConfigurationError(key: "\(prefix).unwind",
                                     message: "mode \"\(rule.mode.rawValue)\" walks stacks with frame pointers, not \"\(unwind.rawValue)\"",
                                     hint: "leave unwind out or set \"fp\"")
        }
        return rule
    }

    /// A CPU percentage: a number above 0, integer or float.
    private func percent(_ value: TOMLValueConvertible, _ key: String) throws(ConfigurationError) -> Double {
        let range = TriggerRule.Limits.cpuPercent
        guard let number = value.double ?? value.int.map(Double.init) else {
            throw ConfigurationError(key: key, message: "must be a number, not \(Self.typeName(value)) (\(value.debugDescription))")
        }
        guard number > range.lowerBound, number <= range.upperBound else {
            throw ConfigurationError(key: key, message: "must be above 0 and at most \(Int(range.upperBound)) (got \(number))",
                                     hint: "100 is one CPU busy; a process on 4 CPUs can reach 400")
        }
        return number
    }
}

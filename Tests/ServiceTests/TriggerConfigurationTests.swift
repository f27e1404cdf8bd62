@testable import Service
import Testing

/// `[[trigger]]` in profiler.toml: what is read, and errors that name the rule and key.
@Suite struct TriggerConfigurationTests {
    @Test func rulesAreReadWithTheirDefaults() throws {
        let parsed = try ServiceConfiguration.parse(toml: """
            [profiler]
            max_session_duration_seconds = 20

            [[trigger]]
            name = "api-hot"
            comm = "api-server"
            cpu_percent = 80
            for_seconds = 5
            cool_down_seconds = 600
            max_per_hour = 2
            duration_seconds = 15
            frequency_hz = 49
            mode = "wall"
            unwind = "fp"

            [[trigger]]
            name = "batch"
            cgroup = "/system.slice/batch.service/"
            cpu_percent = 150.5

            [[trigger]]
            name = "one"
            pid = 4242
            cpu_percent = 10
            """)
        #expect(parsed.triggers == [
            TriggerRule(name: "api-hot", match: .command("api-server"), cpuPercent: 80, forSeconds: 5, coolDownSeconds: 600,
                        maxPerHour: 2, durationSeconds: 15, frequencyHz: 49, mode: .wall, unwind: .framePointers),
            // Defaults: the session's duration within max_session_duration_seconds; the trailing / dropped.
            TriggerRule(name: "batch", match: .cgroup("/system.slice/batch.service"), cpuPercent: 150.5,
                        durationSeconds: 20),
            TriggerRule(name: "one", match: .pid(4242), cpuPercent: 10, durationSeconds: 20),
        ])
        #expect(ServiceConfiguration().triggers.isEmpty)
    }

    @Test(arguments: [
        ("[[trigger]]\ncomm = \"x\"\ncpu_percent = 5", "trigger #1.name", "missing"),
        ("[[trigger]]\nname = \"\"\ncomm = \"x\"\ncpu_percent = 5", "trigger #1.name", "must not be empty"),
        ("[[trigger]]\nname = \"a\"\ncpu_percent = 5", "trigger \"a\"", "names no process: set one of pid, comm or cgroup"),
        ("[[trigger]]\nname = \"a\"\npid = 3\ncomm = \"x\"\ncpu_percent = 5", "trigger \"a\".pid",
         "sets comm and pid: a rule matches by one of"),
        ("[[trigger]]\nname = \"a\"\ncomm = \"x\"", "trigger \"a\".cpu_percent", "missing"),
        ("[[trigger]]\nname = \"a\"\ncomm = \"x\"\ncpu_percent = 0", "trigger \"a\".cpu_percent", "must be above 0"),
        ("[[trigger]]\nname = \"a\"\ncomm = \"x\"\ncpu_percent = \"90%\"", "trigger \"a\".cpu_percent",
         "must be a number, not a string"),
        ("[[trigger]]\nname = \"a\"\ncomm = \"a-very-long-command\"\ncpu_percent = 5", "trigger \"a\".comm",
         "is 19 bytes: the kernel keeps a command name's first 15"),
        ("[[trigger]]\nname = \"a\"\ncgroup = \"system.slice\"\ncpu_percent = 5", "trigger \"a\".cgroup",
         "must be a cgroup path starting with /"),
        ("[[trigger]]\nname = \"a\"\npid = 0\ncpu_percent = 5", "trigger \"a\".pid", "between 1 and"),
        ("[[trigger]]\nname = \"a\"\npid = 1\ncpu_percent = 5\nfor_seconds = 0", "trigger \"a\".for_seconds", "between 1 and 3600"),
        ("[[trigger]]\nname = \"a\"\npid = 1\ncpu_percent = 5\ncool_down_seconds = -1", "trigger \"a\".cool_down_seconds",
         "between 0 and 86400"),
        ("[[trigger]]\nname = \"a\"\npid = 1\ncpu_percent = 5\nmax_per_hour = 0", "trigger \"a\".max_per_hour", "between 1"),
        ("[profiler]\nmax_session_duration_seconds = 60\n[[trigger]]\nname = \"a\"\npid = 1\ncpu_percent = 5\nduration_seconds = 61",
         "trigger \"a\".duration_seconds", "between 1 and 60"),
        ("[[trigger]]\nname = \"a\"\npid = 1\ncpu_percent = 5\nfrequency_hz = 5000", "trigger \"a\".frequency_hz", "between 1 and 1000"),
        ("[[trigger]]\nname = \"a\"\npid = 1\ncpu_percent = 5\nmode = \"offcpu\"", "trigger \"a\".mode",
         "must be one of \"cpu\", \"off\", \"wall\""),
        ("[[trigger]]\nname = \"a\"\npid = 1\ncpu_percent = 5\nmode = \"off\"\nunwind = \"dwarf\"", "trigger \"a\".unwind",
         "mode \"off\" walks stacks with frame pointers"),
        ("[[trigger]]\nname = \"a\"\npid = 1\ncpu_percent = 5\nthreshold = 3", "trigger \"a\".threshold", "unknown key"),
        ("[[trigger]]\nname = \"a\"\npid = 1\ncpu_percent = 5\n[[trigger]]\nname = \"a\"\npid = 2\ncpu_percent = 5",
         "trigger \"a\".name", "another [[trigger]] has this name"),
        ("[trigger]\nname = \"a\"", "trigger", "must be an array of tables: write each rule under [[trigger]]"),
        ("[[triggers]]\nname = \"a\"", "triggers", "unknown section"),
    ])
    func badRulesNameTheRuleAndKey(toml: String, key: String, message: String) {
        #expect {
            _ = try ServiceConfiguration.parse(toml: toml)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.key == key && error.message.contains(message)
        }
    }

    /// The example's commented rule, uncommented, is a rule with the defaults it shows.
    @Test func theExampleRuleParses() throws {
        let lines = ExampleConfiguration.text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "# [[trigger]]") else {
            Issue.record("the example has no commented [[trigger]] block")
            return
        }
        let block = lines[start...].prefix { $0.hasPrefix("# ") }.filter { !$0.hasPrefix("# The session") }
            .map { $0.dropFirst(2) }.joined(separator: "\n")
        let parsed = try ServiceConfiguration.parse(toml: block)
        #expect(parsed.triggers == [TriggerRule(name: "api-hot", match: .command("api-server"), cpuPercent: 80, unwind: .auto)])
    }

    @Test func errorsSayWhatToWrite() {
        #expect {
            _ = try ServiceConfiguration.parse(toml: "[[trigger]]\nname = \"a\"\ncomm = \"a-very-long-command\"\ncpu_percent = 5")
        } throws: { error in
            (error as? ConfigurationError)?.hint == "use the name as `ps -o comm` shows it: \"a-very-long-com\""
        }
    }
}

/// `[trigger_history]`: the pre-trigger history's rate and seconds.
@Suite struct TriggerHistoryConfigurationTests {
    @Test func theRateAndSecondsAreReadAndDefaultTo19HzAndAMinute() throws {
        #expect(ServiceConfiguration().triggerHistory == ServiceConfiguration.TriggerHistory())
        #expect(ServiceConfiguration().triggerHistory.hz == 19 && ServiceConfiguration().triggerHistory.seconds == 60)
        let parsed = try ServiceConfiguration.parse(toml: "[trigger_history]\nhz = 0\nseconds = 120")
        #expect(parsed.triggerHistory.hz == 0 && parsed.triggerHistory.seconds == 120)
    }

    @Test(arguments: [
        ("[trigger_history]\nhz = 1001", "trigger_history.hz", "between 0 and 1000"),
        ("[trigger_history]\nseconds = 0", "trigger_history.seconds", "between 1 and 600"),
        ("[trigger_history]\nrate = 19", "trigger_history.rate", "unknown key"),
    ])
    func badValuesNameTheKey(toml: String, key: String, message: String) {
        #expect {
            _ = try ServiceConfiguration.parse(toml: toml)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.key == key && error.message.contains(message)
        }
    }
}

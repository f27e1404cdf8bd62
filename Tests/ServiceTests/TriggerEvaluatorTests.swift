import Sampling
@testable import Service
import Testing

/// The trigger rules' logic on made-up samples and instants: no /proc, no clock.
@Suite struct TriggerEvaluatorTests {
    static let start = ContinuousClock.now

    static func at(_ seconds: Int) -> ContinuousClock.Instant { start + .seconds(seconds) }

    /// One sample of `pid` over the second before `second`.
    static func sample(_ pid: Int32, _ percent: Double, at second: Int, command: String = "app",
                       cgroups: [String] = []) -> ProcessCPUSample {
        ProcessCPUSample(pid: pid, startTicks: 1, command: command, cgroups: cgroups, cpuPercent: percent,
                         measuredSince: at(second - 1))
    }

    static func rule(_ match: ProcessMatch = .pid(10), percent: Double = 50, for seconds: Int = 3,
                     coolDown: Int = 0, perHour: Int = 100) -> TriggerRule {
        TriggerRule(name: "hot", match: match, cpuPercent: percent, forSeconds: seconds, coolDownSeconds: coolDown,
                    maxPerHour: perHour)
    }

    /// Feeds `pid` at `percent` every second from 1 to `seconds`; returns the seconds a decision came at.
    static func run(_ evaluator: inout TriggerEvaluator, pid: Int32 = 10, percent: Double = 90,
                    from first: Int = 1, through last: Int) -> [(Int, TriggerDecision)] {
        var decisions: [(Int, TriggerDecision)] = []
        for second in first...last {
            for decision in evaluator.observe([sample(pid, percent, at: second)], at: at(second)) {
                decisions.append((second, decision))
            }
        }
        return decisions
    }

    @Test func firesOnceTheProcessWasAboveTheThresholdForTheWholeDuration() {
        var evaluator = TriggerEvaluator(rules: [Self.rule(for: 3)])
        let decisions = Self.run(&evaluator, through: 3)
        // Hot since second 0 (the start of the first interval above 50%): 3 s at second 3.
        #expect(decisions.map(\.0) == [3])
        guard case .fire(let firing) = decisions.first?.1 else {
            Issue.record("expected a firing, got \(decisions)")
            return
        }
        #expect(firing.pid == 10 && firing.ruleName == "hot" && firing.cpuPercent == 90)
        #expect(firing.hotFor == .seconds(3))
        #expect(evaluator.counters[0].fired == 1)
    }

    @Test func aDipBelowTheThresholdStartsTheTimeAgain() {
        var evaluator = TriggerEvaluator(rules: [Self.rule(for: 3)])
        #expect(Self.run(&evaluator, through: 2).isEmpty)
        #expect(evaluator.observe([Self.sample(10, 50, at: 3)], at: Self.at(3)).isEmpty, "50% is not above 50%")
        #expect(Self.run(&evaluator, from: 4, through: 5).isEmpty)
        #expect(Self.run(&evaluator, from: 6, through: 6).map(\.0) == [6])
    }

    @Test func aProcessMissingFromTheSamplesIsNotHot() {
        var evaluator = TriggerEvaluator(rules: [Self.rule(for: 3)])
        _ = Self.run(&evaluator, through: 2)
        #expect(evaluator.observe([], at: Self.at(3)).isEmpty)
        #expect(Self.run(&evaluator, from: 4, through: 6).map(\.0) == [6])
    }

    @Test func aReusedPIDIsANewProcess() {
        var evaluator = TriggerEvaluator(rules: [Self.rule(for: 3)])
        _ = Self.run(&evaluator, through: 2)
        var reborn = Self.sample(10, 90, at: 3)
        reborn.startTicks = 2
        #expect(evaluator.observe([reborn], at: Self.at(3)).isEmpty, "its hot time starts at its own first interval")
    }

    @Test func theCoolDownSuppressesAndCounts() {
        var evaluator = TriggerEvaluator(rules: [Self.rule(for: 2, coolDown: 10)])
        let decisions = Self.run(&evaluator, through: 14)
        // Fires at 2; hot again for 2 s at 4, 6, 8, 10 (cooling down until 12); fires at 12, suppressed at 14.
        let fired = decisions.filter { if case .fire = $0.1 { true } else { false } }.map(\.0)
        #expect(fired == [2, 12])
        let suppressed = decisions.compactMap { second, decision -> (Int, TriggerSuppression)? in
            if case .suppressed(_, let why) = decision { return (second, why) }
            return nil
        }
        #expect(suppressed.map(\.0) == [4, 6, 8, 10, 14])
        #expect(suppressed.first?.1 == .coolingDown(remaining: .seconds(8)))
        #expect(evaluator.counters[0] == .init(fired: 2, suppressedCoolingDown: 5, suppressedHourlyCap: 0))
    }

    @Test func theHourlyCapSuppressesUntilTheOldestFiringLeavesTheHour() {
        var evaluator = TriggerEvaluator(rules: [Self.rule(for: 1, coolDown: 0, perHour: 2)])
        var fired: [Int] = []
        var capped: [TriggerSuppression] = []
        for second in [1, 2, 3, 1_000, 3_600, 3_601, 3_602, 3_603] {
            // A fresh run each time: the process turns hot at `second - 1`.
            let decisions = evaluator.observe([Self.sample(10, 90, at: second)], at: Self.at(second))
            for decision in decisions {
                switch decision {
                case .fire: fired.append(second)
                case .suppressed(_, let why): capped.append(why)
                }
            }
        }
        // 1 and 2 fire; 3 and 1000 are capped; at 3601 the firing at 1 is an hour old.
        #expect(fired == [1, 2, 3_601, 3_602])
        #expect(capped.first == .hourlyCap(limit: 2, nextSlot: .seconds(3_598)))
        #expect(evaluator.counters[0].suppressedHourlyCap == 4)
        #expect(evaluator.firedLastHour(rule: 0, at: Self.at(3_603)) == 2)
    }

    @Test func rulesMatchByPIDCommandOrCgroup() {
        let samples = [
            Self.sample(10, 90, at: 1, command: "api", cgroups: ["/system.slice/api.service"]),
            Self.sample(11, 95, at: 1, command: "api", cgroups: ["/system.slice/api.service/worker"]),
            Self.sample(12, 99, at: 1, command: "db", cgroups: ["/system.slice/api.service2"]),
        ]
        func pids(_ match: ProcessMatch) -> [Int32] {
            var evaluator = TriggerEvaluator(rules: [Self.rule(match, for: 1, coolDown: 0)])
            return evaluator.observe(samples, at: Self.at(1)).map(\.firing.pid)
        }
        #expect(pids(.pid(11)) == [11])
        #expect(pids(.command("api")) == [11, 10], "hottest first")
        #expect(pids(.cgroup("/system.slice/api.service")) == [11, 10], "the cgroup and those below it, not api.service2")
        #expect(pids(.cgroup("/")) == [12, 11, 10])
        #expect(pids(.command("ap")).isEmpty)
    }

    @Test func theHottestOfSeveralFiresAndTheCoolDownHoldsTheOthers() {
        var evaluator = TriggerEvaluator(rules: [Self.rule(.command("api"), for: 1, coolDown: 60)])
        let decisions = evaluator.observe([Self.sample(10, 90, at: 1, command: "api"), Self.sample(11, 95, at: 1, command: "api")],
                                          at: Self.at(1))
        #expect(decisions.count == 2)
        #expect(decisions.first == .fire(TriggerFiring(rule: 0, ruleName: "hot", pid: 11, command: "api", cpuPercent: 95,
                                                       hotFor: .seconds(1))))
        #expect(decisions.last.map { if case .suppressed = $0 { true } else { false } } == true)
    }

    @Test func eachRuleDecidesOnItsOwn() {
        var rules = [Self.rule(.pid(10), percent: 50, for: 1), Self.rule(.command("app"), percent: 80, for: 2)]
        rules[1].name = "very-hot"
        var evaluator = TriggerEvaluator(rules: rules)
        let decisions = Self.run(&evaluator, percent: 85, through: 2)
        #expect(decisions.map { "\($0.0) \($0.1.firing.ruleName)" } == ["1 hot", "2 hot", "2 very-hot"])
    }

    @Test func cgroupPathsAreReadFromEveryHierarchy() {
        #expect(ProcessCPUReader.cgroupPaths("0::/user.slice/session-1.scope\n") == ["/user.slice/session-1.scope"])
        #expect(ProcessCPUReader.cgroupPaths("4:cpu,cpuacct:/a\n0::/b\n") == ["/a", "/b"])
    }

    @Test func procStatFieldsAreReadAfterTheLastParenthesis() throws {
        let line = "42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 12345 1000 10 0"
        let stat = try #require(ProcessStatLine(Array(line.utf8)))
        #expect(stat.command == "a (b) c" && stat.cpuTicks == 300 && stat.startTicks == 12345 && !stat.isKernelThread)
    }
}

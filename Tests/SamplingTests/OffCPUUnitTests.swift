import Foundation
import Profile
@testable import Sampling
import Testing

struct OffCPUSourceTests {
    /// The hash user space gives a still-blocked task's stack is bpf/offcpu.bpf.c's
    /// (and profile.bpf.c's): values computed by hand from the C code.
    @Test func stackHashIsTheKernelProgramsHash() {
        var hash: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ 2
        for address: UInt64 in [0x1000, 0x2000] {
            hash = (hash ^ address) &* 0xff51_afd7_ed55_8ccd
            hash ^= hash >> 32
        }
        #expect(OffCPUSource.hash([0x1000, 0x2000]) == Int64(hash & 0x7fff_ffff_ffff_ffff))
        #expect(OffCPUSource.hash([0x1000, 0x2000]) >= 0, "a negative stack field is an errno")
        #expect(OffCPUSource.hash([0x1000, 0x2000]) != OffCPUSource.hash([0x2000, 0x1000]))
        #expect(OffCPUSource.hash([0x1000]) != OffCPUSource.hash([0x1000, 0]))
    }

    @Test func tracingFramesAtTheKernelLeafAreDropped() {
        let user = Frame(function: "phase_sleep")
        let kernel = ["do_nanosleep", "schedule", "__schedule", "__traceiter_sched_switch",
                      "__bpf_trace_sched_switch", "bpf_trace_run4", "bpf_prog_6deef7357e7b4530_ft_switch"]
            .map { Frame(function: $0, module: "[kernel]", kind: .kernel) }
        let trimmed = OffCPUSource.withoutTracingFrames(Stack([user] + kernel))
        #expect(trimmed.frames.map(\.function) == ["phase_sleep", "do_nanosleep", "schedule", "__schedule"])
        // A user function named like a BPF helper is not the kernel's.
        let userLeaf = Stack([Frame(function: "bpf_user_helper")])
        #expect(OffCPUSource.withoutTracingFrames(userLeaf) == userLeaf)
    }
}

struct WeightedStackSourceTests {
    @Test func samplesBecomeMicrosecondsOfThePeriod() {
        // 999 Hz: NSEC_PER_SEC / 999 = 1001001 ns per sample.
        #expect(WeightedStackSource.microseconds(samples: 1, periodNanoseconds: 1_001_001) == 1001)
        #expect(WeightedStackSource.microseconds(samples: 1000, periodNanoseconds: 1_001_001) == 1_001_001)
        #expect(WeightedStackSource.microseconds(samples: 3, periodNanoseconds: 10_101_010) == 30_303)
    }

    /// The weighted counts go to the profile; what the unwinding policy observes
    /// (stacks per process) stays in samples.
    @Test func weightsCountsButNotObservations() throws {
        var drain = EmbeddedStackSource.Drain()
        drain.framePointer(pid: 7, Stack([Frame(function: "main"), Frame(function: "hot")]), count: 4, complete: true)
        let source = WeightedStackSource(EmbeddedStackSource([drain]), frequency: 100) // 10 ms a sample
        var output = DrainOutput()
        var statistics = SamplingStatistics()
        try source.drain(into: &output, statistics: &statistics, priority: .none)
        #expect(output.counts.totalSamples == 40_000)
        #expect(output.framePointer[7]?.stacks == 4)
        #expect(statistics.framePointerSamples == 4)
    }
}

struct ProfileModeSettingsTests {
    @Test func offAndWallNeedFramePointers() {
        var settings = SessionSettings(target: .process(pid: 1))
        settings.mode = .off
        #expect(throws: SamplingError.self) { try settings.validate() } // unwind defaults to auto
        settings.unwind = .framePointers
        #expect(throws: Never.self) { try settings.validate() }
        settings.mode = .wall
        #expect(throws: Never.self) { try settings.validate() }
        settings.offCPUThresholdMicroseconds = -1
        #expect(throws: SamplingError.self) { try settings.validate() }
    }

    @Test func unitsFollowTheMode() {
        #expect(ProfileMode.cpu.unit == .samples)
        #expect(ProfileMode.off.unit == .microseconds)
        #expect(ProfileMode.wall.unit == .microseconds)
        #expect(!ProfileMode.off.samplesCPU && ProfileMode.off.timesBlocks)
        #expect(ProfileMode.wall.samplesCPU && ProfileMode.wall.timesBlocks)
        #expect(!ProfileMode.cpu.rootsByThread)
    }

    @Test func offCPULossesAreLosses() {
        var statistics = SamplingStatistics()
        statistics.offCPU.countsMapFull = 2
        statistics.offCPU.userStackUnreadable = 1
        let losses = statistics.nonZeroLosses.map(\.loss)
        #expect(losses == [.offCPUCountsMapFull, .offCPUUserStackUnreadable])
        #expect(SampleLoss.offCPUCountsMapFull.losesSample && !SampleLoss.offCPUUserStackUnreadable.losesSample)
    }
}

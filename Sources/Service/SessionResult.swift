import FoundationEssentials
import Gzip
import Pprof
import Profile
import Sampling

/// What a session left behind: its folded and pprof files, rendered once when it
/// ended, and what the client's metadata needs. The stack counts themselves are
/// dropped (a gzipped pprof file is smaller than the folded one: it costs less than
/// the counts would).
public struct SessionResult: Sendable {
    public var sessionID: String
    public var pid: Int32
    public var command: String
    public var startedAt: Date
    public var elapsedSeconds: Double
    public var requestedDurationSeconds: Int
    public var frequencyHz: Int
    /// The mode the profile was sampled with (fp or dwarf once `auto` decided).
    public var unwind: SessionSettings.UnwindMode
    /// What the counts measure; `sampleCount` is in `unit` (samples, or µs).
    public var mode: ProfileMode
    /// Samples at `frequencyHz`, or microseconds: off-CPU and wall time, or CPU time when
    /// a pre-trigger history was seeded (`preTrigger`).
    public var unit: CountUnit
    public var sampleCount: UInt64
    public var uniqueStacks: Int
    public var statistics: SamplingStatistics
    public var state: SessionSnapshot.State
    /// Exactly the bytes `flametop record` writes for the same profile.
    public var folded: [UInt8]
    /// The gzipped pprof file `flametop record --format pprof` writes, or why it could
    /// not be made (zlib out of memory).
    public var pprof: Result<[UInt8], PprofFailure>
    /// Set when a trigger rule started the session.
    public var trigger: TriggerCause?
    /// The seconds before the session its pre-trigger history added, sampled at a low rate;
    /// nil without them.
    public var preTrigger: PreTriggerPart?

    /// A result's low-rate part. Its samples and the session's own are weighted by their
    /// periods into CPU microseconds (`TimeSlices+Rates`, as the TUI's windows over its
    /// rewind history), so shares stay true across the two rates.
    public struct PreTriggerPart: Sendable, Equatable {
        /// How far before the session's start it reaches.
        public var seconds: Int
        public var hz: Int
        /// Its samples (at `hz`) in the result.
        public var samples: UInt64
    }

    public struct PprofFailure: Error, Sendable, Equatable {
        public var reason: String
    }

    public init(sessionID: String, pid: Int32, final snapshot: SessionSnapshot) {
        self.sessionID = sessionID
        self.pid = pid
        command = snapshot.targetName
        startedAt = snapshot.startedAt
        elapsedSeconds = snapshot.elapsed
        requestedDurationSeconds = snapshot.settings.duration ?? 0
        frequencyHz = snapshot.settings.frequency
        // An `auto` session too short to decide sampled with frame pointers throughout.
        unwind = snapshot.unwind == .auto ? .framePointers : snapshot.unwind
        mode = snapshot.settings.mode
        preTrigger = Self.preTriggerPart(of: snapshot)
        var whole = snapshot.counts(of: .all)
        if preTrigger != nil, !whole.unit.isTime {
            // The history alone (the session sampled nothing): still CPU time, so the unit
            // does not depend on whether the process ran on after the firing.
            whole = WindowCounts(counts: whole.inMicroseconds(), unit: .microseconds)
        }
        unit = whole.unit
        sampleCount = whole.counts.totalSamples
        uniqueStacks = whole.counts.uniqueStacks
        statistics = snapshot.statistics
        state = snapshot.state
        // Off-CPU and wall profiles are per thread: their stacks start with it, as record writes them.
        let counts = snapshot.settings.mode.rootsByThread ? whole.counts.groupedByThread() : whole.counts
        folded = Array(FoldedWriter().write(counts).utf8)
        // The profile's time span includes its pre-trigger seconds.
        let before = Double(preTrigger?.seconds ?? 0)
        var metadata = PprofMetadata(frequency: Double(frequencyHz),
                                     timeNanos: Int64(((startedAt.timeIntervalSince1970 - before) * 1e9).rounded()),
                                     durationNanos: Int64(((elapsedSeconds + before) * 1e9).rounded()),
                                     // A system-wide result (pid 0) labels each stack by its process root.
                                     labels: pid > 0 ? SampleLabels(pid: Int64(pid), comm: command) : SampleLabels(),
                                     comments: ["flametop \(frequencyHz) Hz"],
                                     kind: Self.pprofKind(of: mode))
        if let preTrigger {
            metadata.countCPUMicroseconds(why: """
                values are CPU microseconds: \(frequencyHz) Hz samples and, before the trigger, \(preTrigger.seconds) s \
                of the \(preTrigger.hz) Hz history, weighted by their periods
                """)
        }
        do {
            pprof = .success(try Gzip.compress(try PprofWriter(metadata: metadata).encode(whole.counts)))
        } catch {
            pprof = .failure(PprofFailure(reason: String(describing: error)))
        }
    }

    /// The low-rate seconds the snapshot's slices hold before its own (the pre-trigger
    /// history it was seeded with).
    static func preTriggerPart(of snapshot: SessionSnapshot) -> PreTriggerPart? {
        guard let slices = snapshot.slices, let low = slices.rateParts(of: .all).low, let part = slices.lowRate else {
            return nil
        }
        // The ring's seconds start at its capacity; the oldest the history filled is `firstSecond`.
        let oldest = max(low.lowerBound, slices.firstSecond ?? low.lowerBound)
        return PreTriggerPart(seconds: Int(-oldest), hz: part.hz, samples: slices.lowRateSamples())
    }

    /// What the pprof file's values are (the same words as `record`'s files).
    static func pprofKind(of mode: ProfileMode) -> PprofValueKind {
        switch mode {
        case .cpu: .cpuSamples
        case .off: .offCPUMicroseconds
        case .wall: .wallMicroseconds
        }
    }

    /// What the result holds in memory: both files.
    public var byteCount: Int {
        folded.count + ((try? pprof.get())?.count ?? 0)
    }

    /// The file in `format`.
    public func bytes(in format: ProfileFormat) throws(PprofFailure) -> [UInt8] {
        switch format {
        case .folded: return folded
        case .pprof: return try pprof.get()
        }
    }

    /// Why the session ended, in words.
    public var endReason: String {
        switch state {
        case .running: return "running"
        case .finished: return "duration elapsed"
        case .stopped: return "stopped early: the service is shutting down"
        case .targetExited: return "target exited"
        case .failed(let message): return "sampling failed: \(message)"
        }
    }
}

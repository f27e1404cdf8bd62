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
    /// What the counts measure; `sampleCount` is in its unit (samples or µs).
    public var mode: ProfileMode
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
        sampleCount = snapshot.counts.totalSamples
        uniqueStacks = snapshot.counts.uniqueStacks
        statistics = snapshot.statistics
        state = snapshot.state
        // Off-CPU and wall profiles are per thread: their stacks start with it, as record writes them.
        let counts = snapshot.settings.mode.rootsByThread ? snapshot.counts.groupedByThread() : snapshot.counts
        folded = Array(FoldedWriter().write(counts).utf8)
        let metadata = PprofMetadata(frequency: Double(frequencyHz),
                                     timeNanos: Int64((startedAt.timeIntervalSince1970 * 1e9).rounded()),
                                     durationNanos: Int64((elapsedSeconds * 1e9).rounded()),
                                     // A system-wide result (pid 0) labels each stack by its process root.
                                     labels: pid > 0 ? SampleLabels(pid: Int64(pid), comm: command) : SampleLabels(),
                                     comments: ["flametop \(frequencyHz) Hz"],
                                     kind: Self.pprofKind(of: mode))
        do {
            pprof = .success(try Gzip.compress(try PprofWriter(metadata: metadata).encode(snapshot.counts)))
        } catch {
            pprof = .failure(PprofFailure(reason: String(describing: error)))
        }
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

import Sampling

extension Profiler_V1_TriggerHistoryInfo {
    /// The recorder's figures; `capacitySeconds` is [trigger_history] seconds.
    init(_ status: HistoryStatus, capacitySeconds: Int) {
        self.init()
        frequencyHz = UInt32(clamping: status.hz)
        switch status.phase {
        case .starting: state = "starting"
        case .running: state = "running"
        case .stopped: state = "stopped"
        case .failed(let error):
            state = "failed"
            failure = error.description
        }
        self.capacitySeconds = UInt32(clamping: capacitySeconds)
        heldSeconds = status.heldSeconds
        processes = UInt32(clamping: status.processes)
        samples = status.samples
        evictedSamples = status.evictedSamples
        ringBytes = UInt64(status.ringBytes)
        byteBudget = UInt64(status.byteBudget)
        kernelMapBytes = UInt64(status.cost.kernelMapBytes)
        drainCpuPercent = (status.cost.drainCPUShare ?? 0) * 100
        if let program = status.cost.programCPUShare {
            programCpuPercent = program * 100
            programCpuMeasured = true
        }
        lostSamples = status.counters.droppedMapFull + status.counters.stacksMapFull
    }
}

import FoundationEssentials
import SwiftProtobuf

extension Profiler_V1_TriggerCause {
    init(_ cause: TriggerCause) {
        self.init()
        rule = cause.rule
        pid = cause.pid
        command = cause.command
        cpuPercent = cause.cpuPercent
        hotSeconds = cause.hotSeconds
        firedTime = Google_Protobuf_Timestamp(date: cause.firedAt)
    }
}

extension Profiler_V1_SessionInfo {
    init(_ session: SessionSummary) {
        self.init()
        sessionID = session.id
        pid = session.pid
        command = session.command
        mode = Profiler_V1_ProfileMode(session.mode)
        startTime = Google_Protobuf_Timestamp(date: session.startedAt)
        durationSeconds = UInt32(clamping: session.durationSeconds)
        frequencyHz = UInt32(clamping: session.frequencyHz)
        running = session.running
        endReason = session.endReason
        resultBytes = UInt64(session.resultBytes)
        if let cause = session.trigger { trigger = Profiler_V1_TriggerCause(cause) }
    }
}

extension Profiler_V1_TriggerInfo {
    init(_ status: TriggerStatus) {
        self.init()
        rule = status.rule.name
        match = status.rule.match.description
        cpuPercent = status.rule.cpuPercent
        forSeconds = UInt32(status.rule.forSeconds)
        coolDownSeconds = UInt32(status.rule.coolDownSeconds)
        maxPerHour = UInt32(status.rule.maxPerHour)
        fired = status.fired
        suppressedCoolDown = status.suppressedCoolingDown
        suppressedHourlyCap = status.suppressedHourlyCap
        refused = status.refused
        lastRefusal = status.lastRefusal
        if let last = status.lastFiredAt { lastFiredTime = Google_Protobuf_Timestamp(date: last) }
        firedLastHour = UInt32(clamping: status.firedLastHour)
        lastSessionID = status.lastSessionID
    }
}

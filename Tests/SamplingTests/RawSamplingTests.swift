import Foundation
import Profile
@testable import Sampling
import TestSupport
import Testing

/// Names frames by their raw address: lets these tests check the kernel side
/// (stack capture, counting, draining) without depending on symbolization.
final class AddressNamingSymbolizer: AddressSymbolizer {
    func prepare(pid: Int32) {}
    func forget(pid: Int32) {}
    func symbolizeUser(pid: Int32, addresses: [UInt64]) -> [Frame] {
        addresses.map { Frame(function: "0x" + String($0, radix: 16)) }
    }
    func symbolizeKernel(addresses: [UInt64]) -> [Frame] {
        addresses.map { Frame(function: "0x" + String($0, radix: 16), kind: .kernel) }
    }
}

@Test func rawSamplingOfABusyProcess() throws {
    guard try Privileges.requireRoot("rawSamplingOfABusyProcess") else { return }
    let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
    defer { busy.terminate() }
    var settings = SessionSettings(target: .process(pid: busy.pid))
    settings.frequency = 499
    settings.duration = 1
    let session = try ProfilingSession(settings: settings, symbolizer: AddressNamingSymbolizer())
    let final = session.run()
    print(final.statistics, final.counts.totalSamples, final.counts.uniqueStacks, session.usesBatchDrain)
    #expect(final.state == .finished)
    #expect(final.counts.totalSamples > 300)
}

import Foundation
import Profile
import Sampling
import Testing
import TestSupport
@testable import TerminalUI

@Suite struct NumberFormatTests {
    @Test func formatsForNarrowColumns() {
        #expect(NumberFormat.fixed(62.345, digits: 1) == "62.3")
        #expect(NumberFormat.fixed(0.05, digits: 1) == "0.1")
        #expect(NumberFormat.fixed(-1.25, digits: 2) == "-1.25")
        #expect(NumberFormat.fixed(.nan) == "-")
        #expect(NumberFormat.percent(99.94) == "99.9")
        #expect(NumberFormat.percent(99.96) == "100")
        #expect(NumberFormat.percent(250) == "250")
        #expect(NumberFormat.bytes(0) == "0")
        #expect(NumberFormat.bytes(512 * 1024) == "512K")
        #expect(NumberFormat.bytes(8 << 20) == "8.0M")
        #expect(NumberFormat.bytes(1536 << 20) == "1.5G")
        #expect(NumberFormat.bytes(340 << 30) == "340G")
        #expect(NumberFormat.grouped(0) == "0")
        #expect(NumberFormat.grouped(1234567) == "1,234,567")
        #expect(NumberFormat.duration(5) == "0:05")
        #expect(NumberFormat.duration(754) == "12:34")
        #expect(NumberFormat.duration(3723) == "1:02:03")
    }
}

@Suite struct ProfileFilesTests {
    static func snapshot(target: SessionSettings.Target, name: String, generation: UInt64,
                         folded: String = "main;work 3") throws -> SessionSnapshot {
        SessionSnapshot(settings: SessionSettings(target: target), counts: try FoldedReader().read(folded),
                        statistics: SamplingStatistics(), state: .running, startedAt: Date(), elapsed: 1,
                        targetName: name, generation: generation)
    }

    @Test func fileNamesNameTheTargetAndTime() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        let stamp = ProfileFileName.timestamp(date)
        #expect(stamp.range(of: #"^[0-9]{8}-[0-9]{6}$"#, options: .regularExpression) != nil)
        #expect(ProfileFileName.make(for: try Self.snapshot(target: .process(pid: 42), name: "my app/x", generation: 1),
                                     at: date) == "flametop-my_app_x-42-\(stamp).folded")
        #expect(ProfileFileName.make(for: try Self.snapshot(target: .allProcesses, name: "all", generation: 1),
                                     at: date) == "flametop-all-\(stamp).folded")
        #expect(ProfileFileName.make(for: try Self.snapshot(target: .allProcesses, name: "saved.folded", generation: 1),
                                     at: date) == "flametop-saved-\(stamp).folded")
    }

    @Test func autosaveDirectoryFollowsXDG() {
        #expect(TerminalUIOptions.defaultAutosaveDirectory(environment: ["XDG_STATE_HOME": "/var/st", "HOME": "/h"])
                == "/var/st/flametop")
        #expect(TerminalUIOptions.defaultAutosaveDirectory(environment: ["XDG_STATE_HOME": "relative", "HOME": "/h"])
                == "/h/.local/state/flametop")
        #expect(TerminalUIOptions.defaultAutosaveDirectory(environment: [:]) == nil)
    }

    @Test func autosaveWritesEachNewGenerationOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try Self.snapshot(target: .process(pid: 7), name: "w", generation: 1)
        var autosave = ProfileAutosave(directory: directory.file("state/flametop"), snapshot: first, date: Date())
        #expect(autosave.save(try Self.snapshot(target: .process(pid: 7), name: "w", generation: 0, folded: "")) == nil)
        #expect(!autosave.hasSaved)
        #expect(autosave.save(first) == nil)
        #expect(try String(contentsOfFile: autosave.path, encoding: .utf8) == "main;work 3\n")
        var info = stat()
        #expect(stat(directory.file("state/flametop"), &info) == 0 && info.st_mode & 0o777 == 0o700)
        try "changed".write(toFile: autosave.path, atomically: true, encoding: .utf8)
        #expect(autosave.save(first) == nil)
        #expect(try String(contentsOfFile: autosave.path, encoding: .utf8) == "changed")
        #expect(autosave.save(try Self.snapshot(target: .process(pid: 7), name: "w", generation: 2,
                                                folded: "main;work 5")) == nil)
        #expect(try String(contentsOfFile: autosave.path, encoding: .utf8) == "main;work 5\n")
    }

    @Test func exportFailuresSayWhy() throws {
        let error = FoldedExport.write(try FoldedReader().read("a 1"), to: "/proc/flametop-cannot-write/x.folded")
        #expect(error?.contains("/proc/flametop-cannot-write") == true, "\(error ?? "no error")")
    }

    @Test func theWorkerBuildsModelsOffTheCallingThread() throws {
        let worker = ProfileModelWorker()
        let snapshot = try Self.snapshot(target: .process(pid: 7), name: "w", generation: 3)
        worker.submit(snapshot, parameters: .init(mode: .init(inverted: true), query: "wo"))
        var model: ProfileModel?
        #expect(Wait.until(timeout: 10) {
            model = worker.take()
            return model != nil
        })
        #expect(model?.generation == 3)
        #expect(model?.tree.isInverted == true)
        #expect(model?.searchShare == 100)
        #expect(worker.take() == nil)
        #expect(!worker.isBuilding)
    }
}

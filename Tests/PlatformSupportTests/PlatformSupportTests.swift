import Foundation
import PlatformSupport
import Synchronization
import Testing

/// The small replacements for Foundation's internationalised layer must say what Foundation said.
struct PlatformSupportTests {
    @Test func cFormatMatchesFoundationsFormat() {
        let cases: [(String, [CVarArg])] = [
            ("%.1f MB", [12.345]), ("%5.1f%%", [3.14159]), ("%+.1f", [-0.05]), ("%8llu", [UInt64(42)]),
            ("%d Hz, %.2f s", [Int32(99), 2.5]), ("%.0e", [0.00042]), ("%d", [Int.max]),
        ]
        for (format, arguments) in cases {
            #expect(String(cFormat: format, arguments: arguments) == String(format: format, arguments: arguments), "\(format)")
        }
    }

    @Test func cFormatGrowsPastItsFirstBuffer() {
        let long = String(cFormat: "%0300d", 7)
        #expect(long.count == 300 && long.hasSuffix("7") && long.hasPrefix("000"))
    }

    @Test func trimmingMatchesFoundation() {
        for text in ["  42\n", "\t\n", "", "a b", " \u{00A0}x\u{2003} "] {
            #expect(text.trimmed() == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(text.debugDescription)")
        }
        #expect("line\n\n".trimmed(where: \.isNewline) == "line")
        #expect(" line \n".trimmed(where: \.isNewline) == " line ")
    }

    @Test func localTimestampIsTheCompactLocalTime() {
        let seconds = 1_700_000_000
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        #expect(LocalTimestamp.compact(secondsSince1970: seconds)
                == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))))
    }

    @Test func fileStatusTellsFilesFromDirectories() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ft-status-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("f")
        try Data(repeating: 1, count: 1234).write(to: file)
        let status = try #require(FileStatus(path: file.path))
        #expect(status.isRegularFile && !status.isDirectory && status.size == 1234)
        #expect(FileStatus(path: directory.path)?.isDirectory == true)
        #expect(FileStatus(path: directory.appendingPathComponent("missing").path) == nil)
    }

    @Test func fileErrorReasonNamesTheErrno() throws {
        do {
            _ = try String(contentsOfFile: "/nonexistent-\(UUID().uuidString)", encoding: .utf8)
            Issue.record("reading a missing file succeeded")
        } catch {
            #expect(FileErrorReason.of(error) == "No such file or directory")
        }
    }

    @Test func dedicatedThreadRunsTheWorkUnderItsName() {
        let seen = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        DedicatedThread.start(name: "ft-test-thread-long-name") {
            seen.withLock { $0 = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8) }
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 10) == .success, "the thread did not run within 10 s")
        #expect(seen.withLock { $0 } == "ft-test-thread-\n")
    }
}

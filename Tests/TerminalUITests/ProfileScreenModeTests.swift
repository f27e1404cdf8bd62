import Foundation
import Profile
import Sampling
import Testing
@testable import TerminalUI

/// The profile screen in off-CPU and wall modes: the status line names the mode
/// and the unit, the table shows time; `m` asks for the next mode.
@Suite struct ProfileScreenModeTests {
    static func snapshot(mode: ProfileMode) throws -> SessionSnapshot {
        var snapshot = try ProfileScreenTests.snapshot("""
            worker (tid 7);main;wait_for_work;pipe_read_[k] 1500000
            worker (tid 7);main;compute 500000
            """)
        snapshot.settings.mode = mode
        snapshot.settings.unwind = .framePointers
        return snapshot
    }

    func render(_ mode: ProfileMode, width: Int = 80) throws -> Canvas {
        var screen = ProfileScreen(isLive: true)
        screen.resize(width: width, height: 24)
        screen.update(try Self.snapshot(mode: mode))
        _ = screen.handle(.tab) // the table pane
        var canvas = Canvas(width: width, height: 24, glyphs: .unicode)
        screen.render(into: &canvas)
        return canvas
    }

    @Test func offCPUStatusLineAndTableSayTime() throws {
        let canvas = try render(.off)
        #expect(canvas.line(0).hasPrefix(" flametop  mode off-CPU (time)  worker [4242]"), "\(canvas.line(0))")
        #expect(canvas.line(0).hasSuffix("(0:18 left)  2.00 s"), "\(canvas.line(0))")
        #expect(!canvas.line(0).contains("Hz"), "no sampling rate in off-CPU mode: \(canvas.line(0))")
        let text = canvas.text
        #expect(text.contains("Top functions (by self time)"), "\(text)")
        #expect(text.contains("TIME FUNCTION"), "\(text)")
        #expect(text.contains("1.50 s pipe_read"), "\(text)")
    }

    @Test func wallStatusLineKeepsTheRate() throws {
        let line = try render(.wall, width: 120).line(0)
        #expect(line.hasPrefix(" flametop  mode wall (time)"), "\(line)")
        #expect(line.contains("(0:18 left)  2.00 s  99 Hz"), "\(line)")
    }

    @Test func mAsksForTheNextModeOnALiveProfileOnly() throws {
        var live = ProfileScreen(isLive: true)
        live.update(try Self.snapshot(mode: .cpu))
        #expect(live.handle(.character("o")) == .cycleMode)
        var saved = ProfileScreen(isLive: false)
        saved.update(try Self.snapshot(mode: .cpu))
        #expect(saved.handle(.character("o")) == .none)
    }
}

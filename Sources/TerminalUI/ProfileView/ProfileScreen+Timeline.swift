import Profile
import Sampling

extension ProfileScreen {
    /// Samples per second over the newest seconds that fit, the window's seconds
    /// highlighted, and which window the panes show. A session seeded with the rewind
    /// history draws its low-rate seconds in another colour, ends them with a bar, and
    /// says so in the label; bars then measure CPU time, so both rates compare.
    func renderTimeline(into canvas: inout Canvas, row: Int) {
        guard let snapshot = latest else { return }
        guard let slices = snapshot.slices, let newest = slices.newestSecond else {
            let text = snapshot.slices == nil ? " timeline off (--history 0): the whole session" : " timeline: waiting for samples"
            canvas.write(text, row: row, column: 0, style: .dim)
            return
        }
        let hz = snapshot.settings.frequency
        let label = " window: \(TimelineWindow.describe(window)) · \(amountDescription)"
            + (slices.lowRate.map { " · " + Self.rewindDescription($0) } ?? "")
            + " · history \(NumberFormat.bytes(UInt64(slices.estimatedBytes))) "
        let labelWidth = DisplayWidth.of(label)
        let held = Self.heldSeconds(of: slices)
        // One column more for the bar between the two rates when both are in view.
        let boundary = slices.lowRate.map(\.newestSecond).flatMap { $0 < newest ? $0 : nil }
        var barWidth = max(0, canvas.width - labelWidth - 2)
        if let boundary, boundary >= newest - Int64(barWidth) + 1 { barWidth -= 1 }
        let first = max(newest - Int64(barWidth) + 1, held?.lowerBound ?? newest)
        guard barWidth > 0, first <= newest else {
            canvas.write(label, row: row, column: 0, style: .dim)
            return
        }
        let seconds = first...newest
        let values = slices.lowRate == nil ? slices.samplesPerSecond(in: .seconds(seconds))
            : slices.microsecondsPerSecond(in: .seconds(seconds), hz: hz)
        let bars = Sparkline.characters(values, ascii: canvas.glyphs.isASCII)
        let highlighted = window == .all ? seconds : TimelineWindow.range(of: window, held: seconds)
        var column = 1
        for (offset, bar) in bars.enumerated() {
            let second = first + Int64(offset)
            let inWindow = highlighted?.contains(second) ?? false
            // Outside the window the seconds fade; inside they keep the hot colour (the
            // low-rate ones their own).
            let lowRate = slices.isLowRate(second)
            let style: Style = !inWindow && window != .all ? .dim : (lowRate ? .kernel : (window == .all ? .warm : .hot))
            column += canvas.write(String(bar), row: row, column: column, style: style)
            if second == boundary {
                column += canvas.write(String(canvas.glyphs.vertical), row: row, column: column, style: Style.plain.with(bold: true))
            }
        }
        canvas.write(label, row: row, column: column + 1, style: window == .all ? .dim : Style.plain.with(bold: true))
    }

    /// The seconds the session holds: from its first recorded second (negative for the
    /// rewind history, which precedes second 0) to the newest.
    static func heldSeconds(of slices: TimeSlices) -> ClosedRange<Int64>? {
        guard let newest = slices.newestSecond else { return nil }
        return max(slices.firstSecond ?? 0, newest - Int64(slices.capacity) + 1)...newest
    }

    /// What the low-rate seconds are: "19 Hz before you chose it".
    static func rewindDescription(_ part: LowRateSeconds) -> String {
        "\(part.hz) Hz before you chose it"
    }

    /// The window's amount in the model's unit: "1,234 samples", "812 samples at 19 Hz",
    /// or "12.3 s CPU" for a window weighted over two rates.
    private var amountDescription: String {
        let counts = model?.stacks.totalSamples ?? 0
        switch model?.unit {
        case .microseconds?:
            let time = OffCPUWords.time(microseconds: counts)
            return latest?.settings.mode.unit == .microseconds ? time : "\(time) CPU"
        case .samples(let hz)? where hz != latest?.settings.frequency:
            return "\(NumberFormat.grouped(counts)) samples at \(hz) Hz"
        default:
            return "\(NumberFormat.grouped(counts)) samples"
        }
    }
}

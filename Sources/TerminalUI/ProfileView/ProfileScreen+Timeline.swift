import Profile
import Sampling

extension ProfileScreen {
    /// Samples per second over the newest seconds that fit, the window's seconds
    /// highlighted, and which window the panes show.
    func renderTimeline(into canvas: inout Canvas, row: Int) {
        guard let snapshot = latest else { return }
        guard let slices = snapshot.slices, let newest = slices.newestSecond else {
            let text = snapshot.slices == nil ? " timeline off (--history 0): the whole session" : " timeline: waiting for samples"
            canvas.write(text, row: row, column: 0, style: .dim)
            return
        }
        let counts = model?.stacks.totalSamples ?? 0
        let label = " window: \(TimelineWindow.describe(window)) · \(NumberFormat.grouped(counts)) samples"
            + " · history \(NumberFormat.bytes(UInt64(slices.estimatedBytes))) "
        let labelWidth = DisplayWidth.of(label)
        let barWidth = max(0, canvas.width - labelWidth - 2)
        let first = max(newest - Int64(barWidth) + 1, newest - Int64(slices.capacity) + 1, 0)
        guard barWidth > 0, first <= newest else {
            canvas.write(label, row: row, column: 0, style: .dim)
            return
        }
        let seconds = first...newest
        let values = slices.samplesPerSecond(in: .seconds(seconds))
        let bars = Sparkline.characters(values, ascii: canvas.glyphs.isASCII)
        let highlighted = window == .all ? seconds : TimelineWindow.range(of: window, held: seconds)
        for (offset, bar) in bars.enumerated() {
            let second = first + Int64(offset)
            let inWindow = highlighted?.contains(second) ?? false
            // Outside the window the seconds fade; inside they keep the hot colour.
            let style: Style = window == .all ? .warm : (inWindow ? .hot : .dim)
            canvas.write(String(bar), row: row, column: 1 + offset, style: style)
        }
        canvas.write(label, row: row, column: 2 + bars.count, style: window == .all ? .dim : Style.plain.with(bold: true))
    }
}

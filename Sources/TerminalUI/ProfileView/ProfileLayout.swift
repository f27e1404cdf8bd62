/// Where the profile screen's parts go for a terminal size: two status lines, the
/// timeline (live profiles), the tree pane (about 60% of the rest), the top
/// functions pane, and the footer.
struct ProfileLayout {
    let statusRows: Range<Int>
    let timeline: Int?
    let treeHeader: Int
    let treeRows: Range<Int>
    let functionsHeader: Int
    let functionsColumns: Int
    let functionRows: Range<Int>
    let footer: Int

    init(width: Int, height: Int, timeline: Bool = false) {
        let height = max(height, 8)
        statusRows = 0..<2
        self.timeline = timeline ? 2 : nil
        let top = timeline ? 3 : 2
        footer = height - 1
        let available = height - 1 - top
        let treeHeight = max(2, (available * 6) / 10)
        treeHeader = top
        treeRows = (treeHeader + 1)..<(treeHeader + treeHeight)
        functionsHeader = treeHeader + treeHeight
        functionsColumns = functionsHeader + 1
        functionRows = (functionsColumns + 1)..<footer
    }
}

import Foundation

/// Where the executable reports: stderr for diagnostics and summaries, so stdout
/// stays clean for data. Write failures (a closed terminal) are ignored.
enum Console {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}

/// Client input quoted back in a status message or a log line, cut to a bounded length:
/// a 1 MB session_id echoed whole made the client's gRPC reject the reply's metadata
/// (RESOURCE_EXHAUSTED) instead of reading NOT_FOUND (issue 14).
enum ClientEcho {
    /// Characters kept from a quoted value.
    static let quoteLimit = 64
    /// UTF-8 bytes kept from a whole status message (gRPC's default metadata limit is 8 KiB).
    static let messageLimit = 1024

    /// `text`, or its first `limit` characters and how much was cut.
    static func quoted(_ text: String, limit: Int = quoteLimit) -> String {
        guard text.count > limit else { return text }
        return "\(text.prefix(limit))… (\(text.utf8.count) bytes)"
    }

    /// A message cut at `messageLimit` bytes, on a character boundary.
    static func bounded(_ message: String) -> String {
        guard message.utf8.count > messageLimit else { return message }
        var kept = ""
        var bytes = 0
        for character in message {
            bytes += character.utf8.count
            if bytes > messageLimit - 16 { break }
            kept.append(character)
        }
        return kept + "… (cut)"
    }
}

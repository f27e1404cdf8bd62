import Gzip
import Testing

@Suite struct GzipTests {
    static let text = Array(String(repeating: "main;run;hot 123\n", count: 5_000).utf8)

    @Test func compressedBytesDecompressToTheSame() throws {
        let compressed = try Gzip.compress(Self.text)
        #expect(compressed.count < Self.text.count / 20)
        #expect(Array(compressed.prefix(2)) == Gzip.magic)
        #expect(try Gzip.decompress(compressed) == Self.text)
        #expect(try Gzip.decompress(try Gzip.compress([])) == [])
    }

    @Test func concatenatedMembersDecompressInOrder() throws {
        let first = try Gzip.compress(Array("first ".utf8)), second = try Gzip.compress(Array("second".utf8))
        #expect(try Gzip.decompress(first + second) == Array("first second".utf8))
    }

    @Test func truncatedAndCorruptDataThrowTypedErrors() throws {
        let compressed = try Gzip.compress(Self.text)
        #expect(throws: GzipError.self) { try Gzip.decompress(Array(compressed.prefix(compressed.count / 2))) }
        var corrupt = compressed
        corrupt[12] ^= 0xff
        corrupt[13] ^= 0xff
        do {
            _ = try Gzip.decompress(corrupt)
            Issue.record("corrupt data decompressed")
        } catch {
            #expect(error.operation == .decompress)
            #expect(error.description.hasPrefix("cannot decompress gzip data: "))
        }
    }
}

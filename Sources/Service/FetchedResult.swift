import FoundationEssentials

/// A session's result as a client received it: the file (folded or pprof, as
/// `metadata.format` says) put back together from its chunks, the metadata of the
/// first chunk, and each chunk's size (the tests check them against chunk_size_bytes).
public struct FetchedResult: Sendable {
    public var metadata: Profiler_V1_ProfileMetadata
    public var bytes: [UInt8]
    public var chunkSizes: [Int]

    /// The file as text (a folded result).
    public var foldedText: String { String(decoding: bytes, as: UTF8.self) }

    /// Checks the stream's framing as chunks arrive: indexes 0, 1, 2, …, metadata
    /// on the first, `is_final` on the last only, and the byte count it announced.
    struct Assembler {
        private var metadata: Profiler_V1_ProfileMetadata?
        private var bytes: [UInt8] = []
        private var chunkSizes: [Int] = []
        private var sawFinal = false

        mutating func append(_ chunk: Profiler_V1_ProfilingResultsChunk) throws(ClientError) {
            guard !sawFinal else { throw ClientError("the server sent a chunk after the final one") }
            guard chunk.chunkIndex == chunkSizes.count else {
                throw ClientError("chunk \(chunk.chunkIndex) arrived where chunk \(chunkSizes.count) was due")
            }
            if chunk.chunkIndex == 0 {
                guard chunk.hasMetadata else { throw ClientError("the first chunk carries no metadata") }
                metadata = chunk.metadata
            }
            bytes.append(contentsOf: chunk.data)
            chunkSizes.append(chunk.data.count)
            sawFinal = chunk.isFinal
        }

        func finish() throws(ClientError) -> FetchedResult {
            guard let metadata else { throw ClientError("the server sent no chunk") }
            guard sawFinal else {
                throw ClientError("the stream ended after \(chunkSizes.count) chunks without the final one: the result is incomplete")
            }
            guard UInt64(bytes.count) == metadata.totalBytes, UInt32(chunkSizes.count) == metadata.totalChunks else {
                throw ClientError("received \(bytes.count) bytes in \(chunkSizes.count) chunks; the server announced \(metadata.totalBytes) in \(metadata.totalChunks)")
            }
            return FetchedResult(metadata: metadata, bytes: bytes, chunkSizes: chunkSizes)
        }
    }
}

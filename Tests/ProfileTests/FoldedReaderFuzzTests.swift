import Profile
import TestSupport
import Testing

/// Mutated folded files (issue 14: a fuzz target for the reader, bounded so it runs in every
/// `swift test`): the reader never crashes, both of its paths agree on every input — the same
/// error, or the same profile — and every profile read builds a consistent tree.
@Suite struct FoldedReaderFuzzTests {
    static let seeds = [
        "main;run;hot 123\nmain;run 5\n",
        "swapper;do_idle_[k];default_idle_[k] 12\napp;-;sys_read_[k] 2\n# comment\n\n[unknown] 1\n",
        "python (1234);func (file.py:12);inner (lib/x.py:7) 7\r\nf(int) (a.c:1)_[i] 3\n",
        "a 18446744073709551615\n",
    ]
    static let iterations = 3000

    @Test(arguments: [0x666c_616d, 0x7465_7374])
    func mutatedFilesNeverCrashAndBothPathsAgree(seed: UInt64) {
        var mutator = ByteMutator(seed: seed, interesting: ";; -#_[k]_[i]()0123456789:")
        for iteration in 0..<Self.iterations {
            let base = Array(Self.seeds[mutator.below(Self.seeds.count)].utf8)
            let bytes = mutator.mutate(iteration % 3 == 0 ? base : mutator.mutate(base))
            let text = String(decoding: bytes, as: UTF8.self)
            for options in [FoldedReader.Options(), FoldedReader.Options(rootIsProcess: true)] {
                let reader = FoldedReader(options: options)
                let counts = Result { () throws(FoldedReadError) in try reader.read(text) }
                let table = Result { () throws(FoldedReadError) in try reader.readTable(text) }
                switch (counts, table) {
                case let (.success(counts), .success(table)):
                    #expect(table.stackCounts() == counts, "seed \(seed), iteration \(iteration): \(text.debugDescription)")
                    let tree = CallTree(table)
                    #expect(tree.totalSamples(of: tree.root) == counts.totalSamples)
                case let (.failure(left), .failure(right)):
                    #expect(left == right, "seed \(seed), iteration \(iteration): \(text.debugDescription)")
                default:
                    Issue.record("seed \(seed), iteration \(iteration): the paths disagree on \(text.debugDescription)")
                }
            }
        }
    }
}

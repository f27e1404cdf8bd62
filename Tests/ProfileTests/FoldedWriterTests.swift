import Profile
import Testing

@Suite struct FoldedWriterTests {
    let writer = FoldedWriter()

    @Test func writesRootToLeafWithCount() {
        #expect(writer.line(for: stack("main", "run", "hot", "leaf"), count: 123)
                == "main;run;hot;leaf 123")
    }

    @Test func replacesSeparatorsAndLineBreaksButKeepsSpaces() {
        let frame = Frame(function: "a;b\nc\rd\te operator new(unsigned long)")
        #expect(writer.text(for: frame) == "a:b c d e operator new(unsigned long)")
    }

    @Test func suffixesKernelFramesOnly() {
        let frames = Stack([
            Frame(function: "myapp", kind: .process),
            Frame(function: "main", module: "myapp"),
            Frame(function: "inlined_helper", isInlined: true),
            Frame(function: "entry_SYSCALL_64", module: "[kernel]", kind: .kernel),
        ])
        #expect(writer.line(for: frames, count: 7)
                == "myapp;main;inlined_helper;entry_SYSCALL_64_[k] 7")
    }

    @Test func writesSourcePositionsOnlyWhenAsked() {
        let frames = Stack([
            Frame(function: "main", sourceFile: "/src/app/main.c", line: 12),
            Frame(function: "no_line", sourceFile: "/src/app/x.c"),
            Frame(function: "do_sys_open", kind: .kernel, sourceFile: "fs/open.c", line: 1338),
        ])
        let withLines = FoldedWriter(options: .init(includeLines: true))
        #expect(withLines.line(for: frames, count: 1)
                == "main (main.c:12);no_line;do_sys_open (open.c:1338)_[k] 1")
        #expect(writer.line(for: frames, count: 1) == "main;no_line;do_sys_open_[k] 1")
    }

    @Test func writesEmptyStacksAndNamesAsUnknown() {
        #expect(writer.line(for: Stack([]), count: 3) == "[unknown] 3")
        #expect(writer.line(for: Stack([Frame(function: "main"), Frame(function: "")]), count: 2)
                == "main;[unknown] 2")
    }

    @Test func ordersByCountThenText() {
        let profile = counts((stack("b"), 5), (stack("a", "x"), 5), (stack("c"), 9), (stack("a"), 5))
        #expect(writer.write(profile) == "c 9\na 5\na;x 5\nb 5\n")
    }

    @Test func mergesStacksThatWriteTheSameLine() {
        let profile = counts((stack("a;b"), 2), (stack("a:b"), 3),
                             (Stack([Frame(function: "f", sourceFile: "f.c", line: 1)]), 1),
                             (Stack([Frame(function: "f", sourceFile: "f.c", line: 2)]), 1))
        #expect(writer.write(profile) == "a:b 5\nf 2\n")
    }

    @Test func streamsTheSameLinesItWrites() {
        let profile = counts((stack("main", "a"), 4), (stack("main", "b"), 2), (stack("main"), 1))
        var streamed: [String] = []
        writer.write(profile) { line in streamed.append(line) }
        #expect(streamed == ["main;a 4", "main;b 2", "main 1"])
        #expect(writer.write(profile) == streamed.map { $0 + "\n" }.joined())
    }

    @Test func writesNothingForAnEmptyProfile() {
        #expect(writer.write(StackCounts()) == "")
    }
}

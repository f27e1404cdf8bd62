import Profile
import Testing

@Suite struct FoldedRoundTripTests {
    @Test func readingWhatWasWrittenGivesTheSameProfile() throws {
        let profile = counts(
            (Stack([Frame(function: "Web Content", kind: .process),
                    Frame(function: "operator new(unsigned long)"),
                    Frame(function: "std::map<int, int>::insert"),
                    Frame(function: "asm_exc_page_fault", kind: .kernel),
                    Frame(function: "handle mm fault", kind: .kernel)]), 17),
            (Stack([Frame(function: "myapp", kind: .process), Frame(function: "main")]), 3),
            (Stack([Frame(function: "myapp", kind: .process)]), 1),
            (Stack([]), 2))
        let text = FoldedWriter().write(profile)
        let read = try FoldedReader(options: .init(rootIsProcess: true)).read(text)
        #expect(read == profile)
        #expect(FoldedWriter().write(read) == text)
    }

    @Test func sourcePositionsSurviveWithIncludeLines() throws {
        let profile = counts(
            (Stack([Frame(function: "main", sourceFile: "main.c", line: 40),
                    Frame(function: "hot loop", sourceFile: "hot.c", line: 7),
                    Frame(function: "page_fault", kind: .kernel, sourceFile: "fault.c", line: 1500)]), 9),
            (Stack([Frame(function: "main", sourceFile: "main.c", line: 41)]), 4))
        let writer = FoldedWriter(options: .init(includeLines: true))
        let text = writer.write(profile)
        #expect(text == "main (main.c:40);hot loop (hot.c:7);page_fault (fault.c:1500)_[k] 9\n"
                + "main (main.c:41) 4\n")
        let read = try FoldedReader().read(text)
        #expect(read == profile)
        #expect(writer.write(read) == text)
    }

    /// Stripped code named by its function's start keeps the offset inside it where lines are
    /// written, reads back as one function, and without `--lines` the offsets merge.
    @Test func offsetsInsideStrippedFunctionsSurviveWithIncludeLines() throws {
        let stripped = "liblzma.so.5.4.1+0x15bc0"
        let profile = counts(
            (Stack([Frame(function: "main", sourceFile: "main.c", line: 40),
                    Frame(function: stripped, offsetInFunction: 0x9)]), 3),
            (Stack([Frame(function: "main", sourceFile: "main.c", line: 40),
                    Frame(function: stripped, offsetInFunction: 0x20)]), 2))
        let writer = FoldedWriter(options: .init(includeLines: true))
        let text = writer.write(profile)
        #expect(text == "main (main.c:40);\(stripped) (+0x9) 3\nmain (main.c:40);\(stripped) (+0x20) 2\n")
        let read = try FoldedReader().read(text)
        #expect(read == profile)
        #expect(Set(read.counts.keys.compactMap { $0.frames.last?.identity.function }) == [stripped])
        #expect(FoldedWriter().write(profile) == "main;\(stripped) 5\n")
        // Only `+0x` and hex digits make an offset; anything else stays part of the name.
        for name in ["f (+0x)", "f (+0x+9)", "f (0x9)", "f (+0xzz)"] {
            let frame = try #require(try FoldedReader().read("\(name) 1\n").counts.keys.first?.frames.first)
            #expect(frame.function == name && frame.offsetInFunction == nil)
        }
    }

    @Test func sanitizedNamesAreStableAfterOneTrip() throws {
        let profile = counts((stack("a;b", "line\nbreak", "tab\there"), 5))
        let first = FoldedWriter().write(profile)
        let second = FoldedWriter().write(try FoldedReader().read(first))
        #expect(first == "a:b;line break;tab here 5\n")
        #expect(second == first)
    }
}

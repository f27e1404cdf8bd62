import Profile
import Testing

@Suite struct FoldedReaderTests {
    let reader = FoldedReader()

    @Test func readsOurOwnLines() throws {
        let profile = try reader.read("main;run;hot;leaf 123\nmain;run 5\n")
        #expect(profile == counts((stack("main", "run", "hot", "leaf"), 123), (stack("main", "run"), 5)))
        #expect(profile.totalSamples == 128)
    }

    @Test func readsStackcollapsePerfWithProcessRoots() throws {
        // stackcollapse-perf.pl --kernel: comm first, `[unknown]` for unnamed frames.
        let text = """
            swapper;secondary_startup_64_[k];start_secondary_[k];do_idle_[k];default_idle_call_[k] 1234
            Web Content;_start;__libc_start_main;main;[unknown];js::RunScript 56
            myapp;_start;main;compute 7
            myapp;_start;main;compute 3
            """
        let profile = try FoldedReader(options: .init(rootIsProcess: true)).read(text)
        #expect(profile.totalSamples == 1300)
        #expect(profile.uniqueStacks == 3)
        let idle = Stack([
            Frame(function: "swapper", kind: .process),
            Frame(function: "secondary_startup_64", kind: .kernel),
            Frame(function: "start_secondary", kind: .kernel),
            Frame(function: "do_idle", kind: .kernel),
            Frame(function: "default_idle_call", kind: .kernel),
        ])
        #expect(profile.counts[idle] == 1234)
        let browser = Stack([Frame(function: "Web Content", kind: .process)]
                            + ["_start", "__libc_start_main", "main", "[unknown]", "js::RunScript"]
                                .map { Frame(function: $0) })
        #expect(profile.counts[browser] == 56)
        let app = Stack([Frame(function: "myapp", kind: .process)]
                        + ["_start", "main", "compute"].map { Frame(function: $0) })
        #expect(profile.counts[app] == 10)
    }

    @Test func readsBccProfileFoldedAndDropsTheDelimiter() throws {
        // bcc `profile -f -d`: `-` between the user and the kernel stack when both exist.
        let text = """
            python3;_start;Py_RunMain;-;entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];ksys_read_[k] 12
            swapper/0;secondary_startup_64_[k];cpu_startup_entry_[k] 40
            stress;[Missed User Stack];-;asm_sysvec_apic_timer_interrupt_[k] 2
            """
        let profile = try FoldedReader(options: .init(rootIsProcess: true)).read(text)
        let syscall = Stack([
            Frame(function: "python3", kind: .process),
            Frame(function: "_start"),
            Frame(function: "Py_RunMain"),
            Frame(function: "entry_SYSCALL_64_after_hwframe", kind: .kernel),
            Frame(function: "do_syscall_64", kind: .kernel),
            Frame(function: "ksys_read", kind: .kernel),
        ])
        #expect(profile.counts[syscall] == 12)
        let missed = Stack([
            Frame(function: "stress", kind: .process),
            Frame(function: "[Missed User Stack]"),
            Frame(function: "asm_sysvec_apic_timer_interrupt", kind: .kernel),
        ])
        #expect(profile.counts[missed] == 2)
        #expect(profile.totalSamples == 54)
    }

    @Test func readsPySpyRawWithSourcePositions() throws {
        let text = """
            process (4242);<module> (app.py:30);main (app.py:22);work (/srv/lib/work.py:7) 9
            process (4242);<module> (app.py:30);idle (app.py) 1
            """
        let profile = try FoldedReader(options: .init(rootIsProcess: true)).read(text)
        let work = Stack([
            Frame(function: "process (4242)", kind: .process),
            Frame(function: "<module>", sourceFile: "app.py", line: 30),
            Frame(function: "main", sourceFile: "app.py", line: 22),
            Frame(function: "work", sourceFile: "/srv/lib/work.py", line: 7),
        ])
        #expect(profile.counts[work] == 9)
        // Without a line number the parenthesis stays part of the name.
        let idle = Stack([
            Frame(function: "process (4242)", kind: .process),
            Frame(function: "<module>", sourceFile: "app.py", line: 30),
            Frame(function: "idle (app.py)"),
        ])
        #expect(profile.counts[idle] == 1)
    }

    @Test func keepsPositionsInNamesWhenToldNotToParseThem() throws {
        let profile = try FoldedReader(options: .init(parseSourcePositions: false)).read("work (w.py:7) 2")
        #expect(profile == counts((stack("work (w.py:7)"), 2)))
    }

    @Test func stripsFlamegraphAnnotations() throws {
        let profile = try reader.read("main;jitted_fn_[j];helper_[i];try_to_wake_up_[w];schedule_[k] 4")
        let expected = Stack([
            Frame(function: "main"),
            Frame(function: "jitted_fn"),
            Frame(function: "helper", isInlined: true),
            Frame(function: "try_to_wake_up"),
            Frame(function: "schedule", kind: .kernel),
        ])
        #expect(profile == counts((expected, 4)))
    }

    @Test func skipsBlankAndCommentLinesAndToleratesCRLF() throws {
        let text = "# flametop record\r\n\r\nmain;a 2  \r\n   \nmain;a 3\r\n# end"
        #expect(try reader.read(text) == counts((stack("main", "a"), 5)))
    }

    @Test func readsTheUnknownLineAsTheEmptyStack() throws {
        #expect(try reader.read("[unknown] 3\nmain;[unknown] 1") ==
                counts((Stack([]), 3), (stack("main", "[unknown]"), 1)))
    }

    @Test func acceptsZeroAndTheLargestCount() throws {
        let profile = try reader.read("a 0\nb 18446744073709551615")
        #expect(profile == counts((stack("b"), UInt64.max)))
    }

    @Test func readsBytesAndPreSplitLines() throws {
        let fromBytes = try reader.read(utf8: Array("main;a 2\nmain 1\n".utf8))
        let fromLines = try reader.read(lines: ["main;a 2", "main 1"])
        #expect(fromBytes == counts((stack("main", "a"), 2), (stack("main"), 1)))
        #expect(fromLines == fromBytes)
    }

    @Test(arguments: [
        ("main;a 1\n\nmain;run", 3, FoldedReadError.Reason.missingCount),
        ("main;run 12x", 1, .invalidCount("12x")),
        ("# c\nmain -5", 2, .invalidCount("-5")),
        ("main 1.5", 1, .invalidCount("1.5")),
        ("main +5", 1, .invalidCount("+5")),
        ("main 18446744073709551616", 1, .countTooLarge("18446744073709551616")),
        ("main;a 1\n 5", 2, .emptyStack),
        ("-;- 5", 1, .emptyStack),
        ("a;;b 3", 1, .emptyFrame(position: 2)),
        ("a;b; 3", 1, .emptyFrame(position: 3)),
        ("a 18446744073709551615\nb 1", 2, .totalTooLarge),
    ])
    func reportsTheLineAndWhatIsWrong(text: String, lineNumber: Int, reason: FoldedReadError.Reason) {
        #expect(throws: FoldedReadError.self) { try reader.read(text) }
        do {
            _ = try reader.read(text)
        } catch {
            #expect(error.lineNumber == lineNumber)
            #expect(error.reason == reason)
            let quoted = text.split(separator: "\n", omittingEmptySubsequences: false)[lineNumber - 1]
            #expect(error.line == String(quoted).trimmingTrailingSpaces())
            #expect(error.description.contains("line \(lineNumber):"))
        }
    }

    @Test func truncatesLongLinesInErrors() throws {
        let longLine = String(repeating: "frame;", count: 50) + "x"
        let error = try #require(throws: FoldedReadError.self) { try reader.read(longLine) }
        #expect(error.reason == .missingCount)
        #expect(error.line == String(longLine.prefix(120)) + "…")
        #expect(error.description
                == "folded stacks, line 1: no sample count after the last space: \"\(error.line)\" "
                + "(each line must be `frame;frame;… COUNT`: frames root to leaf, a space, a whole number)")
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}

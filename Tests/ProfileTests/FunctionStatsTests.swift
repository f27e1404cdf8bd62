import Profile
import Testing

@Suite struct FunctionStatsTests {
    let app = Frame(function: "app", kind: .process)

    /// 10 samples: `a` recurses, one stack is only the process root.
    var profile: StackCounts {
        counts((Stack([app] + stack("main", "a", "b").frames), 4),
               (Stack([app] + stack("main", "a", "a", "a").frames), 2),
               (Stack([app] + stack("main", "c").frames), 2),
               (Stack([app] + stack("main").frames), 1),
               (Stack([app]), 1))
    }

    @Test func countsSelfAtTheLeafAndTotalOncePerStack() throws {
        let stats = FunctionStats(profile)
        #expect(stats.profileSamples == 10)
        let expected: [(String, UInt64, UInt64, Double, Double)] = [
            ("b", 4, 4, 40, 40),
            ("a", 2, 6, 20, 60),
            ("c", 2, 2, 20, 20),
            ("main", 1, 9, 10, 90),
        ]
        #expect(stats.functions.map(\.identity.function) == expected.map(\.0))
        for (name, selfSamples, total, selfPercent, totalPercent) in expected {
            let stat = try #require(stats[user(name)])
            #expect(stat.selfSamples == selfSamples, "\(name)")
            #expect(stat.totalSamples == total, "\(name)")
            #expect(stat.selfPercent == selfPercent, "\(name)")
            #expect(stat.totalPercent == totalPercent, "\(name)")
        }
    }

    @Test func leavesProcessRootsOut() {
        let stats = FunctionStats(profile)
        #expect(stats[FunctionIdentity(function: "app", kind: .process)] == nil)
        #expect(stats.functions.count == 4)
    }

    @Test func sortsByTotalWithTiesByName() {
        let tied = counts((stack("main", "w"), 3), (stack("main", "x"), 3), (stack("main", "v"), 1))
        let stats = FunctionStats(tied)
        #expect(stats.sorted(by: .totalSamples).map(\.identity.function) == ["main", "w", "x", "v"])
        #expect(stats.sorted(by: .selfSamples).map(\.identity.function) == ["w", "x", "v", "main"])
        #expect(FunctionStats(profile).sorted(by: .totalSamples).map(\.identity.function)
                == ["main", "a", "b", "c"])
    }

    @Test func keepsModulesAndKindsApart() throws {
        let profile = counts(
            (Stack([Frame(function: "main", module: "app"), Frame(function: "memcpy", module: "libc.so.6")]), 3),
            (Stack([Frame(function: "main", module: "app"), Frame(function: "memcpy", module: "app")]), 1),
            (Stack([Frame(function: "main", module: "app"),
                    Frame(function: "memcpy", module: "[kernel]", kind: .kernel)]), 4))
        let stats = FunctionStats(profile)
        #expect(try #require(stats[FunctionIdentity(function: "memcpy", module: "libc.so.6")]).selfSamples == 3)
        #expect(try #require(stats[FunctionIdentity(function: "memcpy", module: "app")]).selfSamples == 1)
        #expect(try #require(stats[FunctionIdentity(function: "memcpy", module: "[kernel]", kind: .kernel)])
                    .selfSamples == 4)
        #expect(stats.sorted(by: .selfSamples).map(\.identity.description)
                == ["memcpy [[kernel]]", "memcpy [libc.so.6]", "memcpy [app]", "main [app]"])
    }

    @Test func showsTheSourcePositionWithTheMostSamples() throws {
        func frame(_ name: String, _ line: Int) -> Frame {
            Frame(function: name, sourceFile: "/src/f.c", line: line)
        }
        let profile = counts(
            (Stack([frame("main", 5), frame("f", 10)]), 3),
            (Stack([frame("main", 5), frame("f", 20), frame("f", 20)]), 2),
            (Stack([frame("main", 6), frame("g", 30)]), 5),
            (Stack([frame("main", 7), Frame(function: "g")]), 9))
        let stats = FunctionStats(profile)
        // f:20 appears twice in a 2-sample stack, weighing 4 against f:10's 3.
        #expect(stats[user("f")]?.location == .source(SourcePosition(file: "/src/f.c", line: 20)))
        #expect(stats[user("g")]?.location == .source(SourcePosition(file: "/src/f.c", line: 30)))
        #expect(stats[user("main")]?.location == .source(SourcePosition(file: "/src/f.c", line: 7)))
        #expect(stats[user("main")]?.location?.description == "f.c:7")
        let tie = FunctionStats(counts((Stack([frame("h", 9)]), 1), (Stack([frame("h", 8)]), 1)))
        #expect(tie[user("h")]?.location == .source(SourcePosition(file: "/src/f.c", line: 8)))
    }

    /// Stripped code is one function named by its start; where lines would show, the offset
    /// inside it does (the issue's `liblzma.so.5.4.1+0x15bc0`, sampled at +0x9 and +0x20).
    @Test func strippedCodeShowsTheHottestOffsetInsideItsFunction() throws {
        func frame(_ offset: UInt64) -> Frame {
            Frame(function: "liblzma.so.5.4.1+0x15bc0", module: "liblzma.so.5.4.1", offsetInFunction: offset)
        }
        let profile = counts((Stack([Frame(function: "main"), frame(0x9)]), 2),
                             (Stack([Frame(function: "main"), frame(0x20)]), 5))
        let stats = FunctionStats(profile)
        let function = FunctionIdentity(function: "liblzma.so.5.4.1+0x15bc0", module: "liblzma.so.5.4.1")
        #expect(stats.functions.count == 2, "one row for the stripped function: \(stats.functions)")
        #expect(try #require(stats[function]).selfSamples == 7)
        #expect(stats[function]?.location == .offset(0x20))
        #expect(stats[function]?.location?.description == "+0x20")
        #expect(frame(0x9) != frame(0x20), "offsets tell frames apart as lines do")
        #expect(frame(0x9).identity == frame(0x20).identity)
        let tree = CallTree(profile)
        let main = try #require(tree.children(of: tree.root).first)
        #expect(tree.children(of: main).count == 1, "one tree node")
    }

    @Test func anEmptyProfileHasNoFunctions() {
        let stats = FunctionStats(StackCounts())
        #expect(stats.functions.isEmpty)
        #expect(stats.profileSamples == 0)
    }
}

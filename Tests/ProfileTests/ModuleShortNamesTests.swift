import Profile
import Testing

/// `view` decides short names per module from the names a file holds, by the live
/// symbolizer's rule: templates fold unless two functions of one module would look the same.
@Suite struct ModuleShortNamesTests {
    static let serializeTrue = "v8::internal::JsonStringifier::Result v8::internal::JsonStringifier::Serialize_<true>(bool)"
    static let serializeFalse = "v8::internal::JsonStringifier::Result v8::internal::JsonStringifier::Serialize_<false>(bool)"

    @Test func aFoldedFileKeepsTheArgumentsThatTellTwoFunctionsApart() throws {
        let text = """
            main;\(Self.serializeTrue) 3
            main;\(Self.serializeFalse) 2
            main;std::vector<int, std::allocator<int> >::size() const 1
            main;do_syscall_64_[k];std::vector<int>::push_back_[k] 1

            """
        var table = try FoldedReader().readTable(text)
        table.decideShortNames(ModuleShortNames(frames: table.distinctFrames))
        // A function whose short name is the plain one keeps no forms; the screen derives it.
        let shorts = Dictionary(FunctionStats(table).functions.map {
            ($0.identity.function, $0.identity.shortFunction ?? ShortName.of($0.identity.function))
        }, uniquingKeysWith: { first, _ in first })
        #expect(shorts[Self.serializeTrue] == "v8::internal::JsonStringifier::Serialize_<true>")
        #expect(shorts[Self.serializeFalse] == "v8::internal::JsonStringifier::Serialize_<false>")
        #expect(shorts["std::vector<int, std::allocator<int> >::size() const"] == "std::vector<…>::size")
        // Kernel frames decide apart from user code: their vector meets nothing.
        #expect(shorts["std::vector<int>::push_back"] == "std::vector<…>::push_back")
        #expect(table.distinctFrames.filter { $0.function == Self.serializeTrue }.allSatisfy {
            $0.forms?.short == "v8::internal::JsonStringifier::Serialize_<true>"
        })
        #expect(table.distinctFrames.filter { $0.function.hasPrefix("std::vector") || $0.function == "main" }
            .allSatisfy { $0.forms == nil })
    }

    @Test func modulesDecideApartAndFramesKeepTheirMarks() throws {
        let forms = NameForms(short: "f<…>", clone: "constprop.0", systemName: "_Z1fIiEvv")
        let frames = [
            Frame(function: "void f<int>()", module: "liba.so", forms: forms),
            Frame(function: "void f<long>()", module: "liba.so"),
            Frame(function: "void f<char>()", module: "libb.so"),
            Frame(function: "myapp (1234)", kind: .process),
        ]
        var counts = StackCounts()
        counts.add(Stack(frames), count: 4)
        let names = ModuleShortNames(frames: frames)
        let decided = names.applied(to: counts)
        let stack = try #require(decided.counts.keys.first)
        #expect(stack.frames.map { $0.forms?.short } == ["f<int>", "f<long>", nil, nil])
        // libb.so's only name folds plainly, so its frame needs no forms.
        #expect(ShortName.of(stack.frames[2].function) == "f<…>")
        #expect(stack.frames[0].forms?.clone == "constprop.0")
        #expect(stack.frames[0].forms?.systemName == "_Z1fIiEvv")
        #expect(decided.totalSamples == 4)
        // A baseline decided with the file: both sides name a function alike.
        let together = ModuleShortNames(frames: [frames[1]], [Frame(function: "void f<int>()", module: "liba.so")])
        #expect(together.applied(to: StackCounts([(Stack([frames[1]]), UInt64(1))])).counts.keys.first?.frames[0].forms?.short
                == "f<long>")
    }
}

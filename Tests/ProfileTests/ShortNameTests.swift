import Profile
import Testing

/// Short names drop what the screen has no room for (return type, parameters, clone and
/// version suffixes, template arguments) and keep what tells functions apart.
@Suite struct ShortNameTests {
    @Test(arguments: [
        ("void app::sort_all<main::{lambda(int, int)#1}>(std::vector<int, std::allocator<int> >&, main::{lambda(int, int)#1})",
         "app::sort_all<…>"),
        ("app::sort_all<main(int, char**)::<lambda(int, int)> >", "app::sort_all<…>"),
        ("std::vector<int, std::allocator<int> >::size() const", "std::vector<…>::size"),
        ("shapes::Circle::area(unsigned long) const", "shapes::Circle::area"),
        ("app::scaled(app::detail::Mixer const&, unsigned long, int) [clone .constprop.0]", "app::scaled"),
        ("f(int) [clone .isra.0] [clone .cold]", "f"),
        ("__libc_start_main@@GLIBC_2.34", "__libc_start_main"),
        ("memcpy@GLIBC_2.2.5", "memcpy"),
        ("(anonymous namespace)::worker(int)", "(anonymous namespace)::worker"),
        ("main::{lambda(int, int)#1}::operator()(int, int) const", "main::{lambda(int, int)#1}::operator()"),
        ("std::basic_ostream<char, std::char_traits<char> >& std::operator<< <std::char_traits<char> >(std::basic_ostream<char, std::char_traits<char> >&, char const*)",
         "std::operator<< <…>"),
        ("bool app::Less::operator<(app::Less const&) const", "app::Less::operator<"),
        ("operator new(unsigned long)", "operator new"),
        ("__gnu_cxx::__normal_iterator<int*, std::vector<int> >::difference_type __gnu_cxx::operator-<int*, std::vector<int> >(int, int)",
         "__gnu_cxx::operator-<…>"),
        ("std::ostream::operator<<(int)", "std::ostream::operator<<"),
        ("bool __gnu_cxx::__ops::_Iter_less_iter::operator()<int*, int*>(int*, int*) const",
         "__gnu_cxx::__ops::_Iter_less_iter::operator()<…>"),
        ("app::Flag::operator bool() const", "app::Flag::operator bool"),
        ("<alloc::vec::Vec<T,A> as core::ops::drop::Drop>::drop", "<alloc::vec::Vec<…> as core::ops::drop::Drop>::drop"),
        ("demo::geometry::spin", "demo::geometry::spin"),
        ("demo.swiftSpin(Swift.Int) -> Swift.Int", "demo.swiftSpin"),
        ("liblzma.so.5.4.1+0x15bc0", "liblzma.so.5.4.1+0x15bc0"),
        ("hot_c", "hot_c"),
    ])
    func shortForm(full: String, short: String) {
        #expect(ShortName.of(full) == short)
    }

    @Test func foldDepthKeepsOuterArguments() {
        let name = "void std::vector<std::basic_string<char>, std::allocator<std::basic_string<char> > >::push_back(int)"
        #expect(ShortName.of(name, foldDepth: 2) == "std::vector<std::basic_string<…>, std::allocator<…> >::push_back")
        #expect(ShortName.of(name, foldDepth: nil)
                == "std::vector<std::basic_string<char>, std::allocator<std::basic_string<char> > >::push_back")
    }

    /// The v8 case: both instantiations would read `Serialize_<…>`.
    @Test func templatesStayWhereFoldingWouldMergeTwoFunctions() {
        let names = [
            "v8::internal::JsonStringifier::Result v8::internal::JsonStringifier::Serialize_<true>(v8::internal::Handle<v8::internal::Object>, bool, v8::internal::Handle<v8::internal::Object>)",
            "v8::internal::JsonStringifier::Result v8::internal::JsonStringifier::Serialize_<false>(v8::internal::Handle<v8::internal::Object>, bool, v8::internal::Handle<v8::internal::Object>)",
            "v8::internal::Handle<v8::internal::Object> v8::internal::Factory::New<v8::internal::Map>(int)",
            "std::vector<int, std::allocator<int> >::push_back(int const&)",
            "std::vector<std::basic_string<char>, std::allocator<std::basic_string<char> > >::push_back(std::basic_string<char> const&)",
            "std::vector<std::basic_string<wchar_t>, std::allocator<std::basic_string<wchar_t> > >::push_back(std::basic_string<wchar_t> const&)",
        ]
        let table = ShortNameTable(fullNames: names + names)
        #expect(table.hasAmbiguities)
        #expect(table.shortName(names[0]) == "v8::internal::JsonStringifier::Serialize_<true>")
        #expect(table.shortName(names[1]) == "v8::internal::JsonStringifier::Serialize_<false>")
        #expect(table.shortName(names[2]) == "v8::internal::Factory::New<…>")
        // The shallowest depth that tells the three apart.
        #expect(table.shortName(names[3]) == "std::vector<int, std::allocator<…> >::push_back")
        // Depth 2 still merges char and wchar_t: depth 3 tells them apart.
        #expect(table.shortName(names[4])
                == "std::vector<std::basic_string<char>, std::allocator<std::basic_string<…> > >::push_back")
        #expect(table.shortName(names[5])
                == "std::vector<std::basic_string<wchar_t>, std::allocator<std::basic_string<…> > >::push_back")
        // Overloads differ only in their parameters: folding does not merge them, they already look alike.
        let overloads = ShortNameTable(fullNames: ["app::f(int)", "app::f(double)"])
        #expect(!overloads.hasAmbiguities)
        #expect(overloads.shortName("app::f(int)") == "app::f")
        // A name the table never saw follows the same decisions.
        #expect(ShortNameTable().shortName(names[0]) == "v8::internal::JsonStringifier::Serialize_<…>")
    }

    /// A module's table used to give up past 2,000 template names (every name folded, so
    /// `Serialize_<true>` and `<false>` met again in a large C++ binary). Now any number
    /// decides, and only the names that meet are read a second time.
    @Test func disambiguatesPastTwoThousandCollidingNames() {
        let colliding = (0..<5_000).map { "void app::Serialize_<\($0)>(int)" }
        // Meet at depth 1 and at depth 2; only every argument tells them apart.
        let deep = (0..<2_500).map { "app::pair<app::item<\($0)>, app::alloc<\($0)> >::get() const" }
        let alone = (0..<20_000).map { "ns::f\($0)<int>(int)" }
        let names = colliding + alone + deep + ["plain(int)"] + colliding.prefix(100)
        var reads = 0
        let table = ShortNameTable(fullNames: names.lazy.map { name -> String in
            reads += 1
            return name
        })
        #expect(reads <= names.count + colliding.count + deep.count + 100, "names that meet nobody are read once: \(reads)")
        for (index, name) in colliding.enumerated() {
            #expect(table.shortName(name) == "app::Serialize_<\(index)>")
        }
        #expect(table.shortName(deep[7]) == "app::pair<app::item<7>, app::alloc<7> >::get")
        #expect(Set(deep.map(table.shortName)).count == deep.count)
        #expect(table.shortName(alone[1_234]) == "ns::f1234<…>")
        #expect(table.shortName("plain(int)") == "plain")
        // Names told apart at depth 2 fold what lies deeper.
        let shallow = ShortNameTable(fullNames: (0..<3_000).map { "box::Map<k\($0)<int>, v>::find()" })
        #expect(shallow.shortName("box::Map<k9<int>, v>::find()") == "box::Map<k9<…>, v>::find")
    }

    @Test func formsRideAlongWithoutSplittingAFunction() {
        let clone = Frame(function: "app::scaled(int)", module: "m", forms: NameForms(short: "app::scaled", clone: "constprop.0"))
        let plain = Frame(function: "app::scaled(int)", module: "m", forms: NameForms(short: "app::scaled"))
        #expect(clone == plain, "a clone is no frame of its own")
        #expect(clone.identity == plain.identity)
        #expect(clone.identity.shortFunction == "app::scaled")
    }
}

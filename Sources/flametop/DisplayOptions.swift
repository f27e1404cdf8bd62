import ArgumentParser

/// How the terminal UI draws (shared by the live UI and `view`).
struct DisplayOptions: ParsableArguments {
    @Flag(name: .long, help: "ASCII bars and tree glyphs (automatic in a non-UTF-8 locale).")
    var ascii = false

    @Flag(name: .long, help: "No colours (also when NO_COLOR is set).")
    var noColor = false
}

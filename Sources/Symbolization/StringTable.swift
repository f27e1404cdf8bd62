/// Names and file paths of one debug file, each stored once and referred to by number.
/// libdw hands out the same `char *` for a string each time, so the pointer is tried first.
struct StringTable {
    private var strings: [String] = []
    private var byText: [String: Int32] = [:]
    private var byPointer: [UnsafePointer<CChar>: Int32] = [:]

    mutating func intern(_ pointer: UnsafePointer<CChar>) -> Int32 {
        if let known = byPointer[pointer] { return known }
        let text = String(cString: pointer)
        let number: Int32
        if let known = byText[text] {
            number = known
        } else {
            number = Int32(strings.count)
            strings.append(text)
            byText[text] = number
        }
        byPointer[pointer] = number
        return number
    }

    mutating func intern(_ text: String) -> Int32 {
        if let known = byText[text] { return known }
        let number = Int32(strings.count)
        strings.append(text)
        byText[text] = number
        return number
    }

    func string(_ number: Int32) -> String? {
        number >= 0 && Int(number) < strings.count ? strings[Int(number)] : nil
    }
}

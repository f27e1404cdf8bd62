import CCurses
import Testing
@testable import TerminalUI

@Suite struct KeyDecoderTests {
    @Test func decodesCharactersAndControlKeys() {
        #expect(KeyDecoder.decode(UInt32(Character("j").asciiValue!), isKeyCode: false) == .key(.character("j")))
        #expect(KeyDecoder.decode(0x00E9, isKeyCode: false) == .key(.character("é")))
        #expect(KeyDecoder.decode(10, isKeyCode: false) == .key(.enter))
        #expect(KeyDecoder.decode(13, isKeyCode: false) == .key(.enter))
        #expect(KeyDecoder.decode(9, isKeyCode: false) == .key(.tab))
        #expect(KeyDecoder.decode(27, isKeyCode: false) == .key(.escape))
        #expect(KeyDecoder.decode(127, isKeyCode: false) == .key(.backspace))
        #expect(KeyDecoder.decode(12, isKeyCode: false) == .key(.control("l")))
    }

    @Test func decodesFunctionKeyCodes() {
        func code(_ value: Int32) -> TerminalEvent? { KeyDecoder.decode(UInt32(value), isKeyCode: true) }
        #expect(code(KEY_RESIZE) == .resize)
        #expect(code(KEY_UP) == .key(.up))
        #expect(code(KEY_NPAGE) == .key(.pageDown))
        #expect(code(KEY_PPAGE) == .key(.pageUp))
        #expect(code(KEY_HOME) == .key(.home))
        #expect(code(KEY_END) == .key(.end))
        #expect(code(KEY_BTAB) == .key(.backTab))
        #expect(code(KEY_F0 + 6) == .key(.function(6)))
        #expect(code(KEY_MOUSE) == nil)
    }
}

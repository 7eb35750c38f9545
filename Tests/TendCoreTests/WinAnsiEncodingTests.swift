import Testing
@testable import TendCore

@Suite("WinAnsi encoding: typographic punctuation keeps its glyph, anything else a plain stand-in")
struct WinAnsiEncodingTests {
    @Test("ASCII and Latin-1 letters are their own codes")
    func latin1() {
        #expect(WinAnsi.encode("Hello, world!") == Array("Hello, world!".utf8))
        #expect(WinAnsi.encode("café naïve £5 ½") == [0x63, 0x61, 0x66, 0xE9, 0x20, 0x6E, 0x61, 0xEF, 0x76, 0x65, 0x20, 0xA3, 0x35, 0x20, 0xBD])
    }

    @Test("Curly quotes, dashes, bullet, ellipsis and euro take WinAnsi codes 128–159")
    func punctuation() {
        #expect(WinAnsi.encode("‘’“”") == [145, 146, 147, 148])
        #expect(WinAnsi.encode("–—") == [150, 151])
        #expect(WinAnsi.encode("•…€™") == [149, 133, 128, 153])
        #expect(WinAnsi.encode("„‚‹›") == [132, 130, 139, 155])
        #expect(WinAnsi.encode("ŠšŽžŒœŸƒ") == [138, 154, 142, 158, 140, 156, 159, 131])
    }

    @Test("A decomposed accent is joined to its letter")
    func combining() {
        #expect(WinAnsi.encode("e\u{301}") == [0xE9])
    }

    @Test("Letters WinAnsi lacks lose their accent; dashes, arrows and relations get ASCII stand-ins")
    func fallbacks() {
        // ř → r, ź → z, Ő → O; á and ó are in WinAnsi (225, 243); Ł has no decomposition and maps to L.
        #expect(WinAnsi.encode("Dvořák Łódź Ő") == [0x44, 0x76, 0x6F, 0x72, 0xE1, 0x6B, 0x20, 0x4C, 0xF3, 0x64, 0x7A, 0x20, 0x4F])
        #expect(WinAnsi.encode("a−b ‐ c→d ≤ 3") == Array("a-b - c->d <= 3".utf8))
        #expect(WinAnsi.encode("ﬁne") == Array("fine".utf8))
        #expect(WinAnsi.encode("x²") == [0x78, 0xB2])
    }

    @Test("CJK and emoji become a single '?' each, never a crash")
    func unsupported() {
        #expect(WinAnsi.encode("痛み") == Array("??".utf8))
        #expect(WinAnsi.encode("ok 🙂") == Array("ok ?".utf8))
        // A family emoji is one character made of several scalars joined by zero-width joiners.
        #expect(WinAnsi.encode("👨‍👩‍👧") == Array("?".utf8))
        #expect(WinAnsi.encode("👍🏽!") == Array("?!".utf8))
    }

    @Test("Line breaks and tabs become spaces; zero-width and control characters are dropped")
    func invisible() {
        #expect(WinAnsi.encode("a\nb\tc\r\nd") == Array("a b c d".utf8))
        #expect(WinAnsi.encode("a\u{200B}b\u{FEFF}c\u{7}") == Array("abc".utf8))
    }

    @Test("Every code produced has a glyph width (no undefined WinAnsi codes)")
    func everyCodeHasAWidth() {
        let sample = (UInt32(0x20)...UInt32(0x24FF)).compactMap(Unicode.Scalar.init).map(String.init).joined()
        for code in WinAnsi.encode(sample) {
            #expect(HelveticaMetrics.width(of: code, bold: false) > 0, "code \(code) has no width")
        }
    }
}

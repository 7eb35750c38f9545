import Testing
@testable import TendCore

/// The small text helpers every reader and writer uses.
@Suite struct TextHelpersTests {
    @Test func whitespaceIsTrimmedIncludingLineBreaksWrittenAsCRLF() {
        #expect("abc\r\n".trimmingWhitespace() == "abc")
        #expect("\r\n\t abc \r\n".trimmingWhitespace() == "abc")
        #expect("\r\n".trimmingWhitespace() == "" && "".trimmingWhitespace() == "" && " \t ".trimmingWhitespace() == "")
        #expect("a\r\nb".trimmingWhitespace() == "a\r\nb", "line breaks inside stay")
        #expect(" café ".trimmingWhitespace() == "café" && "\u{00A0}x\u{00A0}".trimmingWhitespace() == "\u{00A0}x\u{00A0}")
    }

    @Test func csvFieldsAreQuotedExactlyWhenTheyNeedIt() {
        #expect("plain".csvEscaped == "plain" && "café 中".csvEscaped == "café 中" && "".csvEscaped == "")
        #expect("a,b".csvEscaped == "\"a,b\"")
        #expect("say \"hi\"".csvEscaped == "\"say \"\"hi\"\"\"")
        #expect("line\nbreak".csvEscaped == "\"line\nbreak\"" && "cr\ronly".csvEscaped == "\"cr\ronly\"")
        #expect("crlf\r\nend".csvEscaped == "\"crlf\r\nend\"")
    }
}

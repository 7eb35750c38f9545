import Foundation
import Testing
@testable import TendCore

@Suite("PDF strings: ( ) and \\ are escaped in text and in the document title")
struct PDFStringEscapingTests {
    @Test("Parentheses and backslashes in text are escaped with a backslash")
    func literal() {
        let bytes = PDFWriter.literal(Array(#"a (b) c\d"#.utf8))
        #expect(String(decoding: bytes, as: UTF8.self) == #"(a \(b\) c\\d)"#)
    }

    @Test("Bytes outside printable ASCII are written as three-digit octal escapes")
    func octal() {
        // ’ is WinAnsi 146 (octal 222); é is 233 (octal 351).
        #expect(String(decoding: PDFWriter.literal(WinAnsi.encode("it’s café")), as: UTF8.self) == #"(it\222s caf\351)"#)
    }

    @Test("An unbalanced parenthesis in a paragraph is escaped in the content stream")
    func inContentStream() throws {
        let pdf = PDFTestReader(PDFDocument(blocks: [.paragraph([TextSpan(#"Score (0–10 :) and C:\Notes"#)])])
            .render(creationDate: Date(timeIntervalSince1970: 0)))
        let page = try #require(pdf.pageContents().first)
        #expect(page.contains(#"(Score \(0\22610 :\) and C:\\Notes) Tj"#))
    }

    @Test("An ASCII title is a literal string; any other title is UTF-16 with a byte-order mark")
    func titles() {
        #expect(PDFWriter.textString("Log (week 1) \\ notes") == #"(Log \(week 1\) \\ notes)"#)
        // "Café" in UTF-16BE: FEFF 0043 0061 0066 00E9.
        #expect(PDFWriter.textString("Café") == "<FEFF00430061006600E9>")
        // An emoji (a surrogate pair) survives in the title, where the fonts do not matter.
        #expect(PDFWriter.textString("🙂") == "<FEFFD83DDE42>")
    }
}

import Foundation
import Testing
@testable import TendCore

/// Text is measured with Helvetica's AFM glyph widths and wrapped so no line is wider than its column.
@Suite("PDF text wrapping: lines measured with the Helvetica AFM widths never exceed the line width")
struct PDFTextWrappingTests {
    /// Width in thousandths of the font size, summed from the AFM values written out here.
    static func afmWidth(_ text: String, bold: Bool) -> Int {
        WinAnsi.encode(text).reduce(0) { $0 + HelveticaMetrics.width(of: $1, bold: bold) }
    }

    @Test("Glyph widths are Adobe's: 'Hello' is 2278 units in Helvetica and 2445 in Helvetica-Bold")
    func knownWidths() {
        // Helvetica: H 722, e 556, l 222, l 222, o 556. Helvetica-Bold: H 722, e 556, l 278, l 278, o 611.
        #expect(Self.afmWidth("Hello", bold: false) == 2278)
        #expect(Self.afmWidth("Hello", bold: true) == 2445)
        // space 278, W 944, i 222 / 278, m 833 / 889, @ 1015 / 975, bullet 350, em dash 1000, euro 556.
        #expect(HelveticaMetrics.width(of: 0x20, bold: false) == 278)
        #expect(HelveticaMetrics.width(of: UInt8(ascii: "W"), bold: false) == 944)
        #expect(HelveticaMetrics.width(of: UInt8(ascii: "i"), bold: false) == 222)
        #expect(HelveticaMetrics.width(of: UInt8(ascii: "i"), bold: true) == 278)
        #expect(HelveticaMetrics.width(of: UInt8(ascii: "m"), bold: true) == 889)
        #expect(HelveticaMetrics.width(of: UInt8(ascii: "@"), bold: false) == 1015)
        #expect(HelveticaMetrics.width(of: UInt8(ascii: "@"), bold: true) == 975)
        #expect(HelveticaMetrics.width(of: 149, bold: false) == 350)
        #expect(HelveticaMetrics.width(of: 151, bold: false) == 1000)
        #expect(HelveticaMetrics.width(of: 128, bold: true) == 556)
        #expect(HelveticaMetrics.width(of: 0xE9, bold: false) == 556) // é
        #expect(HelveticaMetrics.regularWidths.count == 224 && HelveticaMetrics.boldWidths.count == 224)
    }

    @Test("A line's measured width is the sum of its glyph widths at the font size")
    func measuredWidth() {
        let lines = PDFLayout.wrap([TextSpan("Hello "), TextSpan("Hello", bold: true)], size: 10, width: 500)
        #expect(lines.count == 1)
        // (2278 + 278 + 2445) / 1000 * 10
        #expect(abs(lines[0].width - 50.01) < 1e-9)
        #expect(lines[0].pieces == [TextPiece(face: .regular, bytes: Array("Hello ".utf8)),
                                    TextPiece(face: .bold, bytes: Array("Hello".utf8))])
    }

    @Test("Wrapping breaks at the last space that fits: 'aaa bbb ccc' in a 40-unit column")
    func breaksAtSpaces() {
        // At size 10: "aaa" is 16.68, "aaa bbb" 16.68 + 2.78 + 16.68 = 36.14; adding " ccc" (2.78 + 15.0) exceeds 40.
        let lines = PDFLayout.wrap([TextSpan("aaa bbb ccc")], size: 10, width: 40)
        #expect(lines.map { String(decoding: $0.pieces.flatMap(\.bytes), as: UTF8.self) } == ["aaa bbb", "ccc"])
        #expect(abs(lines[0].width - 36.14) < 1e-9)
    }

    @Test("No line of real programme-like text is wider than its column, at many column widths")
    func neverExceeds() {
        let text = """
        The trouble is that the new brain can keep the old brain’s alarm ringing. We can worry about tomorrow, \
        go over yesterday, and criticise ourselves — until the body feels under attack even when we are sitting \
        safely at home. Supercalifragilisticexpialidociouslylongwordwithoutanyspacesatall… “Kindness” matters.
        """
        let spans = [TextSpan(text), TextSpan(" Bold words here, ", bold: true), TextSpan("and italic ones.", italic: true)]
        for width in stride(from: 30.0, through: 460.0, by: 7.5) {
            for size in [9.0, 10.5, 12.0, 16.0] {
                let lines = PDFLayout.wrap(spans, size: size, width: width)
                for line in lines {
                    // Recompute from the table rather than trusting the stored width.
                    let units = line.pieces.reduce(0) { sum, piece in
                        sum + piece.bytes.reduce(0) { $0 + HelveticaMetrics.width(of: $1, bold: piece.face.isBold) }
                    }
                    let measured = Double(units) * size / 1000
                    #expect(abs(measured - line.width) < 1e-9)
                    #expect(measured <= width + 1e-9, "line of \(measured) pt in a \(width) pt column at \(size) pt")
                    #expect(line.pieces.first?.bytes.first != 0x20, "a line starts with a space")
                    #expect(line.pieces.last?.bytes.last != 0x20, "a line ends with a space")
                }
                // Nothing is lost: the words come back in order.
                let rejoined = lines.map { String(decoding: $0.pieces.flatMap(\.bytes).map { $0 < 128 ? $0 : 0x3F }, as: UTF8.self) }
                #expect(rejoined.joined().filter { $0 != " " }.count == WinAnsi.encode(text + " Bold words here, and italic ones.").filter { $0 != 0x20 }.count)
            }
        }
    }

    @Test("A word wider than the column is broken inside, each piece within the width")
    func longWord() {
        let lines = PDFLayout.wrap([TextSpan(String(repeating: "W", count: 30))], size: 10, width: 50)
        // W is 9.44 pt at 10 pt: five fit in 50 pt (47.2), six do not (56.64).
        #expect(lines.count == 6)
        #expect(lines.allSatisfy { $0.pieces.flatMap(\.bytes).count == 5 })
    }

    @Test("Every text line drawn in a laid-out document stays inside the page margins")
    func documentLines() {
        let layout = PDFLayout()
        let long = String(repeating: "Notice the breath as it comes and goes, without changing it. ", count: 12)
        let blocks: [DocumentBlock] = [
            .title("A title that is long enough to need more than one line on an A4 page at twenty-two points"),
            .paragraph([TextSpan(long)]),
            .bulletList([[TextSpan(long)], [TextSpan("Short")]]),
            .numberedList(start: 9, items: [[TextSpan(long)], [TextSpan(long, bold: true)]]),
            .checklist([[TextSpan(long, italic: true)]]),
            .quote([[TextSpan(long)]]),
            .table(header: [[TextSpan("Day")], [TextSpan("What I noticed")]], rows: [[[TextSpan("Monday")], [TextSpan(long)]]]),
        ]
        let right = layout.page.width - layout.page.right
        for page in layout.paginate(layout.items(for: blocks)) {
            for case let .text(x, _, size, _, pieces) in page {
                let width = pieces.reduce(0.0) { $0 + $1.face.width(of: $1.bytes, size: size) }
                #expect(x >= layout.page.left - 1e-9)
                #expect(x + width <= right + 1e-9, "text ends at \(x + width), margin at \(right)")
            }
        }
    }
}

import Foundation
import Testing
@testable import TendCore

/// The file structure a PDF reader relies on: header, cross-reference offsets, trailer, page tree.
@Suite("PDF structure: cross-reference offsets, trailer and page tree are correct")
struct PDFStructureTests {
    static let created = Date(timeIntervalSince1970: 1_774_774_800) // 2026-03-29 09:00:00 UTC

    static func longDocument() -> PDFDocument {
        var blocks: [DocumentBlock] = [.title("A long handout")]
        for i in 1...40 {
            blocks.append(.section("Part \(i)"))
            blocks.append(.paragraph([TextSpan("Paragraph \(i) says something gentle about noticing the body and breathing slowly, "),
                                      TextSpan("kindly", bold: true), TextSpan(" and without hurry.", italic: true)]))
            blocks.append(.bulletList([[TextSpan("One point")], [TextSpan("Another point")]]))
        }
        return PDFDocument(title: "A long handout", blocks: blocks)
    }

    @Test("Starts with the PDF 1.7 header and a binary comment, and ends with %%EOF")
    func headerAndEnd() throws {
        let pdf = PDFTestReader(Self.longDocument().render(creationDate: Self.created))
        #expect(pdf.string.hasPrefix("%PDF-1.7\n%"))
        #expect(pdf.bytes[10...13].allSatisfy { $0 >= 128 })
        #expect(pdf.string.hasSuffix("%%EOF\n"))
    }

    @Test("Every cross-reference offset is a 10-digit number pointing at the bytes 'n 0 obj'")
    func xrefOffsets() throws {
        let pdf = PDFTestReader(Self.longDocument().render(creationDate: Self.created))
        let xref = try pdf.xref()
        let trailer = try pdf.trailer()
        // /Size counts object 0 (the free-list head) too.
        #expect(trailer.contains("/Size \(xref.count + 1)"))
        #expect(xref.keys.sorted() == Array(1...xref.count))
        for (number, offset) in xref {
            let head = "\(number) 0 obj\n"
            #expect(String(pdf.text[offset..<(offset + head.count)]) == head, "object \(number) at \(offset)")
        }
        // Offsets are ascending: objects are written in number order.
        #expect(xref.sorted { $0.key < $1.key }.map(\.value) == xref.values.sorted())
        #expect(pdf.string.contains("xref\n0 \(xref.count + 1)\n0000000000 65535 f \n"))
        let first = try #require(xref[1])
        #expect(pdf.string.contains(String(repeating: "0", count: 10 - String(first).count) + "\(first) 00000 n \n"))
    }

    @Test("startxref gives the byte offset of the 'xref' keyword")
    func startxref() throws {
        let pdf = PDFTestReader(Self.longDocument().render(creationDate: Self.created))
        let at = try pdf.startxref()
        #expect(String(pdf.text[at..<(at + 5)]) == "xref\n")
    }

    @Test("Every page object in the file is reached from the catalog through /Pages, and /Count agrees")
    func pageTree() throws {
        let pdf = PDFTestReader(Self.longDocument().render(creationDate: Self.created))
        let reached = try pdf.pages()
        #expect(reached.count > 1)
        let allPages = try pdf.xref().keys.filter { try pdf.object($0).contains("/Type /Page ") }
        #expect(Set(reached) == Set(allPages))
        #expect(reached.count == allPages.count)
        let catalog = try pdf.object(#require(PDFTestReader.reference("/Root", in: pdf.trailer())))
        let tree = try pdf.object(#require(PDFTestReader.reference("/Pages", in: catalog)))
        #expect(tree.contains("/Count \(reached.count)"))
        for page in reached {
            let dictionary = try pdf.object(page)
            #expect(dictionary.contains("/Parent 2 0 R"))
            #expect(dictionary.contains("/MediaBox [0 0 595.28 841.89]"))
            // Each content stream's /Length matches the bytes up to endstream (checked by the reader).
            _ = try pdf.stream(#require(PDFTestReader.reference("/Contents", in: dictionary)))
        }
    }

    @Test("Catalog has /Lang and DisplayDocTitle; info has the title, producer Tend and the given date")
    func catalogAndInfo() throws {
        let pdf = PDFTestReader(PDFDocument(title: "Practice log", language: "en-GB", blocks: [.paragraph([TextSpan("Hello")])])
            .render(creationDate: Self.created))
        let trailer = try pdf.trailer()
        let catalog = try pdf.object(#require(PDFTestReader.reference("/Root", in: trailer)))
        #expect(catalog.contains("/Lang (en-GB)"))
        #expect(catalog.contains("/ViewerPreferences << /DisplayDocTitle true >>"))
        let info = try pdf.object(#require(PDFTestReader.reference("/Info", in: trailer)))
        #expect(info.contains("/Title (Practice log)"))
        #expect(info.contains("/Producer (Tend)"))
        #expect(info.contains("/CreationDate (D:20260329090000Z)"))
    }

    @Test("The four Helvetica faces are standard Type 1 fonts in WinAnsiEncoding, not embedded")
    func fonts() throws {
        let pdf = PDFTestReader(Self.longDocument().render(creationDate: Self.created))
        for name in ["Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique"] {
            #expect(pdf.string.contains("<< /Type /Font /Subtype /Type1 /BaseFont /\(name) /Encoding /WinAnsiEncoding >>"))
        }
        #expect(!pdf.string.contains("/FontFile"))
    }

    @Test("The same document and date give the same bytes")
    func deterministic() {
        let a = Self.longDocument().render(creationDate: Self.created)
        let b = Self.longDocument().render(creationDate: Self.created)
        #expect(a == b)
    }

    @Test("A document with no blocks is still one valid page with its footer")
    func empty() throws {
        let pdf = PDFTestReader(PDFDocument(blocks: []).render(creationDate: Self.created))
        let contents = try pdf.pageContents()
        #expect(contents.count == 1)
        #expect(contents[0].contains("(Page 1 of 1) Tj"))
    }

    @Test("Odd input still gives a valid file: empty title, a list numbered at Int.max, 30 columns, emoji only")
    func oddInput() throws {
        let wide = (1...30).map { [TextSpan("Column \($0)")] }
        let document = PDFDocument(title: "", blocks: [
            .title(""),
            .numberedList(start: Int.max, items: [[TextSpan("last")], [TextSpan("wraps")]]),
            .table(header: wide, rows: [wide]),
            .paragraph([TextSpan("🙂🙂🙂 痛み")]),
            .writingLines(0),
            .quote([]),
            .bulletList([]),
        ])
        let pdf = PDFTestReader(document.render(creationDate: Self.created))
        let contents = try pdf.pageContents()
        #expect(!contents.isEmpty)
        #expect(contents.joined().contains("(??? ??) Tj"))
        #expect(contents.joined().contains("(\(Int.max).) Tj"))
    }

    @Test("Numbers are written with at most two decimals and no exponent")
    func numbers() {
        #expect(PDFWriter.number(72) == "72")
        #expect(PDFWriter.number(595.276) == "595.28")
        #expect(PDFWriter.number(0.5) == "0.5")
        #expect(PDFWriter.number(-0.004) == "0")
        #expect(PDFWriter.number(-12.346) == "-12.35")
        #expect(PDFWriter.number(0.05) == "0.05")
        #expect(PDFWriter.number(1e-9) == "0")
    }
}

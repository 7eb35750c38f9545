import Foundation
import Testing
@testable import TendCore

/// Long documents run over several pages; each page has its footer, headings stay with their text.
///
/// The page holds 699.89 pt of text (841.89 − 64 top − 78 bottom margin). A one-line paragraph is a
/// 17 pt line with 9 pt above it (none at the top of a page): 17 + 26 × 26 = 693 pt, so 27 fit a page.
@Suite("PDF pagination: page breaks, footers with 'Page n of N', headings kept with the next line")
struct PDFPaginationTests {
    static let created = Date(timeIntervalSince1970: 1_774_774_800)

    static func paragraphs(_ range: ClosedRange<Int>) -> [DocumentBlock] {
        range.map { .paragraph([TextSpan("Paragraph \($0) is one short line.")]) }
    }

    static func pages(_ blocks: [DocumentBlock], title: String? = nil) throws -> [String] {
        try PDFTestReader(PDFDocument(title: title, blocks: blocks).render(creationDate: created)).pageContents()
    }

    @Test("100 one-line paragraphs fill 27 per page: 4 pages, the breaks after paragraphs 27, 54 and 81")
    func breaks() throws {
        let pages = try Self.pages(Self.paragraphs(1...100))
        #expect(pages.count == 4)
        for (index, range) in [1...27, 28...54, 55...81, 82...100].enumerated() {
            for n in range { #expect(pages[index].contains("(Paragraph \(n) is one short line.)"), "paragraph \(n) on page \(index + 1)") }
        }
        #expect(!pages[0].contains("(Paragraph 28 "))
    }

    @Test("Every page's footer says 'Page n of N' with the right numbers, and carries the title")
    func footers() throws {
        let pages = try Self.pages(Self.paragraphs(1...100), title: "Pain diary (week 1)")
        #expect(pages.count == 4)
        for (i, page) in pages.enumerated() {
            #expect(page.contains("(Page \(i + 1) of 4) Tj"))
            #expect(page.contains("(Pain diary \\(week 1\\)) Tj"))
            #expect(!page.contains("of 3)") && !page.contains("of 5)"))
        }
    }

    @Test("A heading that would end a page moves to the next page with the line after it")
    func headingKeptWithNext() throws {
        // After 25 paragraphs the page is 641 pt full. The heading (20 pt above, 20 pt high) would fit at
        // 681, but the paragraph after it (6 + 17) would not, so both go to page 2.
        var blocks = Self.paragraphs(1...25)
        blocks.append(.section("A heading near the foot of the page"))
        blocks.append(.paragraph([TextSpan("The first line under the heading.")]))
        let pages = try Self.pages(blocks)
        #expect(pages.count == 2)
        #expect(pages[0].contains("(Paragraph 25 is one short line.)"))
        #expect(!pages[0].contains("A heading near the foot"))
        #expect(pages[1].contains("(A heading near the foot of the page) Tj"))
        #expect(pages[1].contains("(The first line under the heading.) Tj"))
    }

    @Test("With room for the heading and its next line, the heading stays on the page")
    func headingStaysWhenItFits() throws {
        var blocks = Self.paragraphs(1...24)
        blocks.append(.section("A heading with room"))
        blocks.append(.paragraph([TextSpan("The first line under the heading.")]))
        let pages = try Self.pages(blocks)
        #expect(pages.count == 1)
    }

    @Test("A list item's bullet is never left at the foot of a page without its next line")
    func noWidowedBullet() throws {
        // After 26 paragraphs (667 pt) one more line fits (9 + 17 = 693) but not two: the three-line item
        // must start on page 2, bullet and all.
        var blocks = Self.paragraphs(1...26)
        let long = String(repeating: "A long list item that wraps onto several lines of text. ", count: 3)
        blocks.append(.bulletList([[TextSpan(long)]]))
        let pages = try Self.pages(blocks)
        #expect(pages.count == 2)
        #expect(!pages[0].contains("(\\225) Tj"))
        #expect(pages[1].contains("(\\225) Tj"))
    }

    @Test("A table that runs over a page repeats its header row on the next page")
    func tableHeaderRepeats() throws {
        let rows = (1...40).map { [[TextSpan("Day \($0)")], [TextSpan("Notes for day \($0)")]] }
        let pages = try Self.pages([.table(header: [[TextSpan("Day", bold: true)], [TextSpan("Notes")]], rows: rows)])
        #expect(pages.count > 1)
        for page in pages {
            #expect(page.contains("(Day) Tj"))
            #expect(page.contains("(Notes) Tj"))
        }
        #expect(pages.joined().components(separatedBy: "(Day 17) Tj").count == 2)
    }
}

import Testing
@testable import TendCore
import TendResources

@Suite("Markdown to document blocks: headings, paragraphs, lists, quotes, tables, rules, bold and italic")
struct MarkdownBlocksTests {
    @Test("A handout-like page becomes title, sections, paragraphs, lists, quote and rule in order")
    func representative() {
        let markdown = """
        # Your course booklet

        This booklet goes with the three course meetings.
        Read a part each week.

        ## Part 1: The tricky brain

        The **old brain** reacts fast. The *new brain* thinks.

        ### Keeping going

        - Pick one practice.
        * Short practice counts,
          even two minutes.

        1. **Kindness.** Talking to ourselves kindly.
        2. Shared humanity.

        > Be kind to yourself.
        >
        > You are not alone.

        ---

        Last words.
        """
        #expect(MarkdownBlocks.parse(markdown) == [
            .title("Your course booklet"),
            .paragraph([TextSpan("This booklet goes with the three course meetings. Read a part each week.")]),
            .section("Part 1: The tricky brain"),
            .paragraph([TextSpan("The "), TextSpan("old brain", bold: true), TextSpan(" reacts fast. The "),
                        TextSpan("new brain", italic: true), TextSpan(" thinks.")]),
            .subsection("Keeping going"),
            .bulletList([[TextSpan("Pick one practice.")], [TextSpan("Short practice counts, even two minutes.")]]),
            .numberedList(start: 1, items: [[TextSpan("Kindness.", bold: true), TextSpan(" Talking to ourselves kindly.")],
                                            [TextSpan("Shared humanity.")]]),
            .quote([[TextSpan("Be kind to yourself.")], [TextSpan("You are not alone.")]]),
            .rule,
            .paragraph([TextSpan("Last words.")]),
        ])
    }

    @Test("Tick-box items, a table with a header, and &nbsp; space to write")
    func worksheets() {
        let markdown = """
        - [ ] Practise every day.
        - [x] Ask **which system** I am in.

        | Day | What I noticed |
        |---|:---:|
        | Monday | |

        The ideas that made sense:

        &nbsp;

        &nbsp;
        """
        #expect(MarkdownBlocks.parse(markdown) == [
            .checklist([[TextSpan("Practise every day.")], [TextSpan("Ask "), TextSpan("which system", bold: true), TextSpan(" I am in.")]]),
            .table(header: [[TextSpan("Day")], [TextSpan("What I noticed")]], rows: [[[TextSpan("Monday")], []]]),
            .paragraph([TextSpan("The ideas that made sense:")]),
            .writingLines(4),
        ])
    }

    @Test("A numbered list keeps its first number; deeper headings print as subsections")
    func numbersAndDeepHeadings() {
        #expect(MarkdownBlocks.parse("3. Third\n4) Fourth\n\n#### Deep ##") == [
            .numberedList(start: 3, items: [[TextSpan("Third")], [TextSpan("Fourth")]]),
            .subsection("Deep"),
        ])
    }

    @Test("Unknown syntax is printed as text: code, links, stray markers, HTML and fenced blocks")
    func plainFallbacks() {
        #expect(MarkdownBlocks.inline("Use `**raw**` and [the guide](https://example.org/guide).") == [
            TextSpan("Use **raw** and the guide (https://example.org/guide)."),
        ])
        #expect(MarkdownBlocks.inline("5 * 3 = 15, snake_case_name, a ** b") == [TextSpan("5 * 3 = 15, snake_case_name, a ** b")])
        #expect(MarkdownBlocks.inline("An **unclosed marker") == [TextSpan("An **unclosed marker")])
        #expect(MarkdownBlocks.inline(#"\*not italic\* &amp; &#8217; &rarr;"#) == [TextSpan("*not italic* & \u{2019} &rarr;")])
        #expect(MarkdownBlocks.inline("_under_ and __strong__") == [
            TextSpan("under", italic: true), TextSpan(" and "), TextSpan("strong", bold: true),
        ])
        #expect(MarkdownBlocks.inline("***both***") == [TextSpan("both", bold: true, italic: true)])
        #expect(MarkdownBlocks.parse("```\nline one\nline two\n```\n<div>raw html</div>") == [
            .paragraph([TextSpan("line one")]), .paragraph([TextSpan("line two")]),
            .paragraph([TextSpan("<div>raw html</div>")]),
        ])
    }

    @Test("Every built-in handout converts without losing a word of its text")
    func builtInHandouts() throws {
        for programme in try ProgrammeCatalog.builtIn() {
            for handout in programme.handouts {
                let blocks = MarkdownBlocks.parse(handout.body)
                guard case .title = blocks.first else {
                    Issue.record("\(programme.id)/\(handout.id) does not start with its title")
                    continue
                }
                let printed = Self.words(blocks)
                // Every word of the Markdown, markers removed, appears in the blocks.
                let source = handout.body
                    .replacingOccurrences(of: "&nbsp;", with: " ")
                    .split(whereSeparator: { $0.isWhitespace || "|#*>-_[]`".contains($0) })
                    .filter { !$0.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" } }
                for word in source {
                    #expect(printed.contains(String(word)), "\(programme.id)/\(handout.id): '\(word)' missing")
                }
            }
        }
    }

    static func words(_ blocks: [DocumentBlock]) -> Set<String> {
        var text: [String] = []
        for block in blocks {
            switch block {
            case .title(let s), .section(let s), .subsection(let s): text.append(s)
            case .paragraph(let spans): text += spans.map(\.text)
            case .bulletList(let items), .checklist(let items), .quote(let items): text += items.flatMap { $0.map(\.text) }
            case .numberedList(_, let items): text += items.flatMap { $0.map(\.text) }
            case let .table(header, rows): text += header.flatMap { $0.map(\.text) } + rows.flatMap { $0.flatMap { $0.map(\.text) } }
            case .writingLines, .rule: break
            }
        }
        return Set(text.joined(separator: " ").split(whereSeparator: { $0.isWhitespace || "|#*>-_[]`".contains($0) }).map(String.init))
    }
}

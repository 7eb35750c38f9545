import Foundation

/// Turns the Markdown of programme content into ``DocumentBlock``s for printing.
///
/// Understood: `#`, `##` and `###` headings (deeper ones print as `###`), paragraphs, `-`/`*`/`+` and
/// `1.` lists (`- [ ]` as tick boxes), `>` quotes, `|` tables, `---` rules, `**bold**`, `*italic*`
/// (and the `_` forms), `` `code` ``, links (printed as "text (address)"), backslash escapes and common
/// HTML entities; a paragraph of only `&nbsp;` (a worksheet's space to write) becomes ruled lines.
/// Anything else is printed as plain text, never dropped.
public enum MarkdownBlocks {
    /// The blocks of `markdown`, in order.
    public static func parse(_ markdown: String) -> [DocumentBlock] {
        var parser = Parser()
        for raw in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            parser.line(String(raw.hasSuffix("\r") ? raw.dropLast() : raw))
        }
        parser.flush()
        parser.emitWriting()
        return parser.blocks
    }

    /// The text of `markdown` with its inline formatting turned into spans.
    public static func inline(_ markdown: String) -> [TextSpan] {
        var parser = InlineParser(markdown)
        return parser.parse()
    }

    private enum ListKind: Equatable { case bullet, number(Int), check }

    private struct Parser {
        var blocks: [DocumentBlock] = []
        var paragraph: [String] = []
        var list: (kind: ListKind, items: [String])?
        var quote: [[String]]?
        var table: [[String]]?
        var tableHasHeader = false
        var fence: [String]?
        var blankWriting = 0

        mutating func line(_ line: String) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if var code = fence {
                if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                    fence = nil
                    for l in code where !l.trimmingCharacters(in: .whitespaces).isEmpty {
                        blocks.append(.paragraph([TextSpan(l)]))
                    }
                } else {
                    code.append(line)
                    fence = code
                }
                return
            }
            if trimmed.isEmpty { flush(); return }
            if trimmed == "&nbsp;" {
                flush()
                blankWriting += 1
                return
            }
            emitWriting()
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { flush(); fence = []; return }
            if let (level, text) = heading(trimmed) {
                flush()
                let plain = MarkdownBlocks.plain(text)
                blocks.append(level == 1 ? .title(plain) : level == 2 ? .section(plain) : .subsection(plain))
                return
            }
            if isRule(trimmed) { flush(); blocks.append(.rule); return }
            if trimmed.hasPrefix("|") {
                if table == nil { flush(); table = [] }
                let cells = Self.cells(trimmed)
                if cells.allSatisfy({ $0.allSatisfy { "-: ".contains($0) } && $0.contains("-") }) {
                    if table?.count == 1 { tableHasHeader = true }
                    return
                }
                table?.append(cells)
                return
            }
            if trimmed.hasPrefix(">") {
                if quote == nil { flush(); quote = [[]] }
                let text = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
                if text.isEmpty {
                    if quote?.last?.isEmpty == false { quote?.append([]) }
                } else {
                    appendToQuote(text)
                }
                return
            }
            if let (kind, text) = listItem(trimmed) {
                if let current = list, Self.sameList(current.kind, kind) {
                    list?.items.append(text)
                } else {
                    flush()
                    list = (kind, [text])
                }
                return
            }
            // Continuation lines: of a list item, of a quote (lazy), or of a paragraph.
            if var current = list {
                current.items[current.items.count - 1] += " " + trimmed
                list = current
            } else if quote != nil {
                appendToQuote(trimmed)
            } else {
                if table != nil { flush() }
                paragraph.append(trimmed)
            }
        }

        mutating func appendToQuote(_ text: String) {
            guard var paragraphs = quote else { return }
            paragraphs[paragraphs.count - 1].append(text)
            quote = paragraphs
        }

        /// Consecutive `&nbsp;` paragraphs become two ruled lines each, placed before what follows them.
        mutating func emitWriting() {
            guard blankWriting > 0 else { return }
            blocks.append(.writingLines(2 * blankWriting))
            blankWriting = 0
        }

        mutating func flush() {
            if !paragraph.isEmpty {
                blocks.append(.paragraph(MarkdownBlocks.inline(paragraph.joined(separator: " "))))
                paragraph = []
            }
            if let list {
                let items = list.items.map(MarkdownBlocks.inline)
                switch list.kind {
                case .bullet: blocks.append(.bulletList(items))
                case .number(let start): blocks.append(.numberedList(start: start, items: items))
                case .check: blocks.append(.checklist(items))
                }
                self.list = nil
            }
            if let quote {
                let paragraphs = quote.filter { !$0.isEmpty }.map { MarkdownBlocks.inline($0.joined(separator: " ")) }
                if !paragraphs.isEmpty { blocks.append(.quote(paragraphs)) }
                self.quote = nil
            }
            if let table {
                let rows = table.map { $0.map(MarkdownBlocks.inline) }
                if tableHasHeader, let first = rows.first {
                    blocks.append(.table(header: first, rows: Array(rows.dropFirst())))
                } else if !rows.isEmpty {
                    blocks.append(.table(header: [], rows: rows))
                }
                self.table = nil
                tableHasHeader = false
            }
            if let code = fence {
                for l in code where !l.trimmingCharacters(in: .whitespaces).isEmpty { blocks.append(.paragraph([TextSpan(l)])) }
                fence = nil
            }
        }

        func heading(_ line: String) -> (Int, String)? {
            let hashes = line.prefix { $0 == "#" }.count
            guard (1...6).contains(hashes) else { return nil }
            let rest = line.dropFirst(hashes)
            guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
            var text = rest.trimmingCharacters(in: .whitespaces)
            // A closing run of #s is not part of the heading.
            while text.hasSuffix("#") { text.removeLast() }
            return (min(hashes, 3), text.trimmingCharacters(in: .whitespaces))
        }

        func isRule(_ line: String) -> Bool {
            let chars = line.filter { $0 != " " }
            guard chars.count >= 3, let first = chars.first, "-*_".contains(first) else { return false }
            return chars.allSatisfy { $0 == first }
        }

        func listItem(_ line: String) -> (ListKind, String)? {
            if let first = line.first, "-*+".contains(first), line.dropFirst().first == " " {
                let text = line.dropFirst(2).trimmingCharacters(in: .whitespaces)
                for box in ["[ ] ", "[x] ", "[X] "] where text.hasPrefix(box) {
                    return (.check, String(text.dropFirst(4)))
                }
                if text == "[ ]" || text == "[x]" || text == "[X]" { return (.check, "") }
                return (.bullet, text)
            }
            let digits = line.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 9 else { return nil }
            let rest = line.dropFirst(digits.count)
            guard let marker = rest.first, marker == "." || marker == ")", rest.dropFirst().first == " " else { return nil }
            return (.number(Int(digits)!), rest.dropFirst(2).trimmingCharacters(in: .whitespaces))
        }

        static func sameList(_ a: ListKind, _ b: ListKind) -> Bool {
            switch (a, b) {
            case (.bullet, .bullet), (.check, .check), (.number, .number): return true
            default: return false
            }
        }

        /// The cells of a table row, split at unescaped `|`.
        static func cells(_ line: String) -> [String] {
            var body = Substring(line)
            if body.hasPrefix("|") { body = body.dropFirst() }
            if body.hasSuffix("|"), !body.hasSuffix("\\|") { body = body.dropLast() }
            var cells: [String] = []
            var cell = ""
            var escaped = false
            for c in body {
                if escaped { cell.append(c); escaped = false; continue }
                if c == "\\" { escaped = true; cell.append(c); continue }
                if c == "|" { cells.append(cell.trimmingCharacters(in: .whitespaces)); cell = ""; continue }
                cell.append(c)
            }
            cells.append(cell.trimmingCharacters(in: .whitespaces))
            return cells
        }
    }

    /// Heading text without its inline markers.
    static func plain(_ markdown: String) -> String {
        inline(markdown).map(\.text).joined()
    }
}

/// `**bold**`, `*italic*`, `` `code` ``, links, escapes and entities within one paragraph.
private struct InlineParser {
    let chars: [Character]
    var spans: [TextSpan] = []
    var buffer = ""
    var bold = false
    var italic = false

    init(_ text: String) { chars = Array(text) }

    mutating func parse() -> [TextSpan] {
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, chars[i + 1].isPunctuation || chars[i + 1].isSymbol {
                buffer.append(chars[i + 1]); i += 2; continue
            }
            if c == "`", let end = find("`", from: i + 1) {
                buffer += String(chars[(i + 1)..<end]); i = end + 1; continue
            }
            if c == "&", let (text, length) = entity(at: i) {
                buffer += text; i += length; continue
            }
            if c == "!", i + 1 < chars.count, chars[i + 1] == "[", let (label, _, length) = link(at: i + 1) {
                buffer += label; i += 1 + length; continue
            }
            if c == "[", let (label, url, length) = link(at: i) {
                var nested = InlineParser(label)
                nested.bold = bold
                nested.italic = italic
                flushBuffer()
                for span in nested.parse() { append(span) }
                if !url.isEmpty, url != label { buffer += " (\(url))" }
                i += length; continue
            }
            if c == "<", let end = find(">", from: i + 1) {
                let inside = String(chars[(i + 1)..<end])
                if inside.hasPrefix("http://") || inside.hasPrefix("https://") || inside.hasPrefix("mailto:") {
                    buffer += inside.hasPrefix("mailto:") ? String(inside.dropFirst(7)) : inside
                    i = end + 1; continue
                }
                if ["br", "br/", "br /"].contains(inside.lowercased()) { buffer += " "; i = end + 1; continue }
            }
            if c == "*" || c == "_" {
                let run = chars[i...].prefix { $0 == c }.count
                let before: Character? = i > 0 ? chars[i - 1] : nil
                let after: Character? = i + run < chars.count ? chars[i + run] : nil
                // Underscores inside a word (snake_case) are text.
                let intraword = c == "_" && (before?.isLetter == true || before?.isNumber == true)
                    && (after?.isLetter == true || after?.isNumber == true)
                if !intraword, run >= 2, toggle(strong: true, marker: c, at: i, before: before, after: after) {
                    i += 2; continue
                }
                if !intraword, run == 1 || run == 3, toggle(strong: false, marker: c, at: i, before: before, after: after) {
                    i += 1; continue
                }
                buffer += String(repeating: c, count: run)
                i += run; continue
            }
            buffer.append(c)
            i += 1
        }
        flushBuffer()
        return spans
    }

    /// Opens or closes bold (strong) or italic at `i` when a matching marker exists; false when the
    /// marker is literal text.
    mutating func toggle(strong: Bool, marker: Character, at i: Int, before: Character?, after: Character?) -> Bool {
        let width = strong ? 2 : 1
        let isOpen = strong ? bold : italic
        if isOpen {
            guard let before, !before.isWhitespace else { return false }
            flushBuffer()
            if strong { bold = false } else { italic = false }
            return true
        }
        guard let after, !after.isWhitespace, closer(marker: marker, width: width, from: i + width) else { return false }
        flushBuffer()
        if strong { bold = true } else { italic = true }
        return true
    }

    /// Whether a closing marker (not preceded by a space) follows.
    func closer(marker: Character, width: Int, from start: Int) -> Bool {
        var j = start
        while j + width <= chars.count {
            if chars[j..<(j + width)].allSatisfy({ $0 == marker }), j > start, !chars[j - 1].isWhitespace {
                if width == 1 {
                    // A single marker must not be half of a double one.
                    let prevSame = chars[j - 1] == marker
                    let nextSame = j + 1 < chars.count && chars[j + 1] == marker
                    if !prevSame && !nextSame { return true }
                    if nextSame, j + 2 < chars.count, chars[j + 2] == marker { return true }
                } else {
                    return true
                }
            }
            j += 1
        }
        return false
    }

    mutating func flushBuffer() {
        append(TextSpan(buffer, bold: bold, italic: italic))
        buffer = ""
    }

    /// Adds a span, joining it to the last one when they share a style.
    mutating func append(_ span: TextSpan) {
        guard !span.text.isEmpty else { return }
        if let last = spans.last, last.bold == span.bold, last.italic == span.italic {
            spans[spans.count - 1].text += span.text
        } else {
            spans.append(span)
        }
    }

    func find(_ c: Character, from start: Int) -> Int? {
        guard start < chars.count else { return nil }
        return chars[start...].firstIndex(of: c)
    }

    /// `[label](url)` at `i`: the label, the address and the length of the whole link.
    func link(at i: Int) -> (String, String, Int)? {
        guard let close = find("]", from: i + 1), close + 1 < chars.count, chars[close + 1] == "(",
              let end = find(")", from: close + 2) else { return nil }
        let label = String(chars[(i + 1)..<close])
        let url = String(chars[(close + 2)..<end]).trimmingCharacters(in: .whitespaces)
        return (label, url, end - i + 1)
    }

    static let entities: [String: String] = [
        "nbsp": "\u{A0}", "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'",
        "ndash": "\u{2013}", "mdash": "\u{2014}", "hellip": "\u{2026}", "lsquo": "\u{2018}", "rsquo": "\u{2019}",
        "ldquo": "\u{201C}", "rdquo": "\u{201D}", "bull": "\u{2022}", "euro": "\u{20AC}", "pound": "\u{A3}",
        "copy": "\u{A9}", "deg": "\u{B0}", "times": "\u{D7}", "middot": "\u{B7}",
    ]

    /// `&name;` or `&#n;` or `&#xh;` at `i`: the text and the entity's length.
    func entity(at i: Int) -> (String, Int)? {
        guard let end = find(";", from: i + 1), end - i <= 10 else { return nil }
        let name = String(chars[(i + 1)..<end])
        if let text = Self.entities[name] { return (text, end - i + 1) }
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            if let value, let scalar = Unicode.Scalar(value) { return (String(Character(scalar)), end - i + 1) }
        }
        return nil
    }
}

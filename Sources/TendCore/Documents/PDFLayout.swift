/// The four standard Helvetica faces a document uses (never embedded; every PDF reader has them).
enum FontFace: Int, CaseIterable, Sendable {
    case regular, bold, italic, boldItalic

    init(bold: Bool, italic: Bool) {
        switch (bold, italic) {
        case (false, false): self = .regular
        case (true, false): self = .bold
        case (false, true): self = .italic
        case (true, true): self = .boldItalic
        }
    }

    var isBold: Bool { self == .bold || self == .boldItalic }
    /// The resource name used in content streams.
    var resourceName: String { "F\(rawValue + 1)" }
    var baseFont: String {
        switch self {
        case .regular: return "Helvetica"
        case .bold: return "Helvetica-Bold"
        case .italic: return "Helvetica-Oblique"
        case .boldItalic: return "Helvetica-BoldOblique"
        }
    }

    /// Width of WinAnsi `bytes` at `size` points, from the AFM glyph widths.
    func width(of bytes: [UInt8], size: Double) -> Double {
        Double(bytes.reduce(0) { $0 + HelveticaMetrics.width(of: $1, bold: isBold) }) * size / 1000
    }
}

/// A colour as red, green and blue from 0 to 1.
struct RGB: Equatable, Sendable {
    var r: Double, g: Double, b: Double
    static func gray(_ v: Double) -> RGB { RGB(r: v, g: v, b: v) }
    static let text = RGB.gray(0.1)
    static let heading = RGB(r: 0.11, g: 0.27, b: 0.33)
    static let muted = RGB.gray(0.38)
    static let line = RGB.gray(0.72)
    static let faint = RGB.gray(0.93)
}

/// Encoded text in one face.
struct TextPiece: Equatable, Sendable {
    var face: FontFace
    var bytes: [UInt8]
}

/// One wrapped line: its pieces (spaces included) and their measured width in points.
struct TextLine: Equatable, Sendable {
    var pieces: [TextPiece]
    var width: Double
}

/// A drawing operation. Coordinates are points from the top-left of whatever holds it (an item while
/// laying out, the page once placed); the writer turns them into PDF's bottom-up coordinates.
enum DrawOp: Equatable, Sendable {
    case text(x: Double, baseline: Double, size: Double, color: RGB, pieces: [TextPiece])
    case line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double, color: RGB)
    case rect(x: Double, y: Double, width: Double, height: Double, stroke: RGB?, fill: RGB?)

    func shifted(dx: Double = 0, dy: Double) -> DrawOp {
        switch self {
        case let .text(x, baseline, size, color, pieces):
            return .text(x: x + dx, baseline: baseline + dy, size: size, color: color, pieces: pieces)
        case let .line(x1, y1, x2, y2, width, color):
            return .line(x1: x1 + dx, y1: y1 + dy, x2: x2 + dx, y2: y2 + dy, width: width, color: color)
        case let .rect(x, y, w, h, stroke, fill):
            return .rect(x: x + dx, y: y + dy, width: w, height: h, stroke: stroke, fill: fill)
        }
    }
}

/// The page: A4 with generous margins, body text at 12 pt.
struct PageGeometry: Sendable {
    var width = 595.276
    var height = 841.89
    var left = 72.0
    var right = 72.0
    var top = 64.0
    var bottom = 78.0
    /// Baseline of the footer, from the bottom edge.
    var footerBaseline = 42.0

    var textWidth: Double { width - left - right }
    var textHeight: Double { height - top - bottom }
}

/// A piece of a page that is placed whole: a line of text, a table row, a rule.
struct LayoutItem: Sendable {
    var height: Double
    /// Space above it, dropped at the top of a page.
    var spaceBefore: Double
    /// Placed on the same page as the item after it.
    var keepWithNext: Bool
    /// Relative to the item's top-left corner at the left margin.
    var ops: [DrawOp]
    /// Drawn first when this item starts a new page (a table's header row).
    var repeatedHeader: RepeatedHeader?

    struct RepeatedHeader: Sendable {
        var height: Double
        var ops: [DrawOp]
    }

    init(height: Double, spaceBefore: Double = 0, keepWithNext: Bool = false, ops: [DrawOp],
         repeatedHeader: RepeatedHeader? = nil) {
        self.height = height
        self.spaceBefore = spaceBefore
        self.keepWithNext = keepWithNext
        self.ops = ops
        self.repeatedHeader = repeatedHeader
    }
}

/// Turns blocks into items, and items into pages.
struct PDFLayout: Sendable {
    var page = PageGeometry()

    struct TextStyle {
        var size: Double
        var leading: Double
        var color: RGB
        /// Space above and below the block; between two blocks the larger applies.
        var before: Double
        var after: Double
    }

    static let body = TextStyle(size: 12, leading: 17, color: .text, before: 0, after: 9)
    static let title = TextStyle(size: 22, leading: 27, color: .heading, before: 0, after: 12)
    static let section = TextStyle(size: 16, leading: 20, color: .heading, before: 20, after: 6)
    static let subsection = TextStyle(size: 13, leading: 17, color: .heading, before: 14, after: 4)
    static let cell = TextStyle(size: 10.5, leading: 14, color: .text, before: 4, after: 12)
    static let footerSize = 9.0

    // MARK: Wrapping

    /// Breaks `spans` into lines no wider than `width` points at `size`: greedily at spaces, and inside a
    /// word only when the word alone is wider than the line.
    static func wrap(_ spans: [TextSpan], size: Double, width: Double) -> [TextLine] {
        // Words: runs of non-space bytes, possibly in several faces ("**Arriving**:").
        struct Word { var pieces: [TextPiece]; var spaceFace: FontFace? }
        var words: [Word] = []
        var current: [TextPiece] = []
        var pendingSpace: FontFace?
        for span in spans {
            let face = FontFace(bold: span.bold, italic: span.italic)
            for byte in WinAnsi.encode(span.text) {
                if byte == 0x20 {
                    if !current.isEmpty {
                        words.append(Word(pieces: current, spaceFace: pendingSpace))
                        current = []
                        pendingSpace = face
                    } else if !words.isEmpty, pendingSpace == nil {
                        pendingSpace = face
                    }
                    continue
                }
                if let last = current.last, last.face == face {
                    current[current.count - 1].bytes.append(byte)
                } else {
                    current.append(TextPiece(face: face, bytes: [byte]))
                }
            }
        }
        if !current.isEmpty { words.append(Word(pieces: current, spaceFace: pendingSpace)) }

        func measure(_ pieces: [TextPiece]) -> Double { pieces.reduce(0) { $0 + $1.face.width(of: $1.bytes, size: size) } }
        func append(_ piece: TextPiece, to pieces: inout [TextPiece]) {
            if let last = pieces.last, last.face == piece.face {
                pieces[pieces.count - 1].bytes += piece.bytes
            } else {
                pieces.append(piece)
            }
        }

        var lines: [TextLine] = []
        var line: [TextPiece] = []
        var lineWidth = 0.0
        for word in words {
            let wordWidth = measure(word.pieces)
            let space = word.spaceFace.map { TextPiece(face: $0, bytes: [0x20]) }
            let spaceWidth = space.map { measure([$0]) } ?? 0
            if !line.isEmpty, lineWidth + spaceWidth + wordWidth <= width {
                if let space { append(space, to: &line) }
                for p in word.pieces { append(p, to: &line) }
                lineWidth += spaceWidth + wordWidth
                continue
            }
            if !line.isEmpty {
                lines.append(TextLine(pieces: line, width: lineWidth))
                line = []
                lineWidth = 0
            }
            if wordWidth <= width {
                line = word.pieces
                lineWidth = wordWidth
                continue
            }
            // A word longer than the line: break it where it fills the line.
            for piece in word.pieces {
                for byte in piece.bytes {
                    let w = piece.face.width(of: [byte], size: size)
                    if !line.isEmpty, lineWidth + w > width {
                        lines.append(TextLine(pieces: line, width: lineWidth))
                        line = []
                        lineWidth = 0
                    }
                    append(TextPiece(face: piece.face, bytes: [byte]), to: &line)
                    lineWidth += w
                }
            }
        }
        if !line.isEmpty { lines.append(TextLine(pieces: line, width: lineWidth)) }
        return lines
    }

    /// Baseline of a line of `size` text centred in a line box of `leading`.
    static func baseline(size: Double, leading: Double) -> Double { (leading - size) / 2 + size * 0.78 }

    /// Items for wrapped text: one per line, the first two and the last two lines kept together.
    func textItems(_ spans: [TextSpan], style: TextStyle, indent: Double = 0, bold: Bool = false,
                   spaceBefore: Double, marker: [DrawOp] = []) -> [LayoutItem] {
        let styled = bold ? spans.map { TextSpan($0.text, bold: true, italic: $0.italic) } : spans
        var lines = Self.wrap(styled, size: style.size, width: page.textWidth - indent)
        if lines.isEmpty { lines = [TextLine(pieces: [], width: 0)] }
        let base = Self.baseline(size: style.size, leading: style.leading)
        return lines.enumerated().map { i, line in
            var ops: [DrawOp] = line.pieces.isEmpty ? [] :
                [.text(x: indent, baseline: base, size: style.size, color: style.color, pieces: line.pieces)]
            if i == 0 { ops += marker }
            let keep = lines.count > 1 && (i == 0 || i == lines.count - 2)
            return LayoutItem(height: style.leading, spaceBefore: i == 0 ? spaceBefore : 0, keepWithNext: keep, ops: ops)
        }
    }

    // MARK: Blocks

    /// Lays out every block as a column of items.
    func items(for blocks: [DocumentBlock]) -> [LayoutItem] {
        var items: [LayoutItem] = []
        var previousAfter: Double?
        func gap(_ before: Double) -> Double { max(previousAfter ?? 0, before) }

        for block in blocks {
            switch block {
            case .title(let text):
                var new = textItems([TextSpan(text)], style: Self.title, bold: true, spaceBefore: gap(Self.title.before))
                for i in new.indices { new[i].keepWithNext = true }
                items += new
                previousAfter = Self.title.after
            case .section(let text):
                var new = textItems([TextSpan(text)], style: Self.section, bold: true, spaceBefore: gap(Self.section.before))
                for i in new.indices { new[i].keepWithNext = true }
                items += new
                previousAfter = Self.section.after
            case .subsection(let text):
                var new = textItems([TextSpan(text)], style: Self.subsection, bold: true, spaceBefore: gap(Self.subsection.before))
                for i in new.indices { new[i].keepWithNext = true }
                items += new
                previousAfter = Self.subsection.after
            case .paragraph(let spans):
                items += textItems(spans, style: Self.body, spaceBefore: gap(Self.body.before))
                previousAfter = Self.body.after
            case .bulletList(let list):
                items += listItems(list, spaceBefore: gap(0)) { _ in .bullet }
                previousAfter = Self.body.after
            case let .numberedList(start, list):
                // Wrapping arithmetic: a list numbered near Int.max prints odd numbers rather than trapping.
                let last = start &+ max(list.count - 1, 0)
                items += listItems(list, spaceBefore: gap(0)) { .number($0 &+ start, widest: max(last, start)) }
                previousAfter = Self.body.after
            case .checklist(let list):
                items += listItems(list, spaceBefore: gap(0)) { _ in .box }
                previousAfter = Self.body.after
            case .quote(let paragraphs):
                items += quoteItems(paragraphs, spaceBefore: gap(6))
                previousAfter = Self.body.after + 3
            case let .table(header, rows):
                items += tableItems(header: header, rows: rows, spaceBefore: gap(Self.cell.before))
                previousAfter = Self.cell.after
            case .writingLines(let count):
                // The prompt above stays with the room to answer it.
                if !items.isEmpty { items[items.count - 1].keepWithNext = true }
                for i in 0..<max(count, 0) {
                    items.append(LayoutItem(height: 26, spaceBefore: i == 0 ? gap(2) : 0, keepWithNext: i < count - 1, ops: [
                        .line(x1: 0, y1: 25, x2: page.textWidth, y2: 25, width: 0.5, color: .line),
                    ]))
                }
                previousAfter = 10
            case .rule:
                items.append(LayoutItem(height: 1, spaceBefore: gap(10), ops: [
                    .line(x1: 0, y1: 0.5, x2: page.textWidth, y2: 0.5, width: 0.75, color: .line),
                ]))
                previousAfter = 14
            }
        }
        return items
    }

    enum ListMarker {
        case bullet
        case number(Int, widest: Int)
        case box
    }

    /// The marker sits in a column left of the item text; wrapped lines hang under the text.
    func listItems(_ list: [[TextSpan]], spaceBefore: Double, marker: (Int) -> ListMarker) -> [LayoutItem] {
        let style = Self.body
        let base = Self.baseline(size: style.size, leading: style.leading)
        var out: [LayoutItem] = []
        for (i, spans) in list.enumerated() {
            let indent: Double
            let ops: [DrawOp]
            switch marker(i) {
            case .bullet:
                indent = 22
                ops = [.text(x: 7, baseline: base, size: style.size, color: style.color,
                             pieces: [TextPiece(face: .regular, bytes: [149])])]
            case let .number(n, widest):
                let face = FontFace.regular
                let label = Array("\(n).".utf8)
                let widestWidth = face.width(of: Array("\(widest).".utf8), size: style.size)
                indent = max(24, widestWidth + 10)
                let w = face.width(of: label, size: style.size)
                ops = [.text(x: indent - 8 - w, baseline: base, size: style.size, color: style.color,
                             pieces: [TextPiece(face: face, bytes: label)])]
            case .box:
                indent = 24
                let side = 10.0
                ops = [.rect(x: 3, y: base - side + 1, width: side, height: side, stroke: .text, fill: nil)]
            }
            out += textItems(spans, style: style, indent: indent, spaceBefore: i == 0 ? spaceBefore : 5, marker: ops)
        }
        return out
    }

    /// Quote paragraphs set in, with a bar beside every line.
    func quoteItems(_ paragraphs: [[TextSpan]], spaceBefore: Double) -> [LayoutItem] {
        let style = TextStyle(size: Self.body.size, leading: Self.body.leading, color: RGB.gray(0.22), before: 0, after: 0)
        var out: [LayoutItem] = []
        for (p, spans) in paragraphs.enumerated() {
            var lines = textItems(spans, style: style, indent: 18, spaceBefore: p == 0 ? spaceBefore : 7)
            for i in lines.indices {
                // The bar also spans the gap above a later paragraph, so the quote reads as one.
                let top = (i == 0 && p > 0) ? -lines[i].spaceBefore : 0
                lines[i].ops.append(.line(x1: 3, y1: top, x2: 3, y2: lines[i].height, width: 2.5, color: .line))
            }
            out += lines
        }
        return out
    }

    /// A table: column widths from the content, a shaded header row repeated on each page, rows with an
    /// empty cell at least three lines high to leave room for writing.
    func tableItems(header: [[TextSpan]], rows: [[[TextSpan]]], spaceBefore: Double) -> [LayoutItem] {
        let style = Self.cell
        let columns = max(header.count, rows.map(\.count).max() ?? 0)
        guard columns > 0 else { return [] }
        let padding = 5.0
        func cells(_ row: [[TextSpan]]) -> [[TextSpan]] {
            row.count >= columns ? Array(row.prefix(columns)) : row + Array(repeating: [], count: columns - row.count)
        }
        let headerCells = header.isEmpty ? nil : cells(header).map { $0.map { TextSpan($0.text, bold: true, italic: $0.italic) } }
        let bodyRows = rows.map(cells)
        let all = (headerCells.map { [$0] } ?? []) + bodyRows

        // Natural width: the whole cell on one line; minimum: its longest word.
        var natural = Array(repeating: 0.0, count: columns)
        var minimum = Array(repeating: 0.0, count: columns)
        for row in all {
            for (c, spans) in row.enumerated() {
                let one = Self.wrap(spans, size: style.size, width: .infinity).first?.width ?? 0
                natural[c] = max(natural[c], min(one, 220) + 2 * padding)
                let words = spans.flatMap { span in
                    span.text.split(separator: " ").map { TextSpan(String($0), bold: span.bold, italic: span.italic) }
                }
                let longest = words.map { Self.wrap([$0], size: style.size, width: .infinity).first?.width ?? 0 }.max() ?? 0
                minimum[c] = max(minimum[c], min(longest, 120) + 2 * padding)
            }
        }
        let total = page.textWidth
        let floor = 36.0
        minimum = minimum.map { max($0, floor) }
        natural = zip(natural, minimum).map { max($0, $1) }
        var widths: [Double]
        if natural.reduce(0, +) <= total {
            let scale = total / natural.reduce(0, +)
            widths = natural.map { $0 * scale }
        } else if minimum.reduce(0, +) <= total {
            let spare = total - minimum.reduce(0, +)
            let wants = zip(natural, minimum).map { $0 - $1 }
            let sum = wants.reduce(0, +)
            widths = zip(minimum, wants).map { $0 + (sum > 0 ? spare * $1 / sum : spare / Double(columns)) }
        } else {
            widths = Array(repeating: total / Double(columns), count: columns)
        }
        var xs: [Double] = [0]
        for w in widths { xs.append(xs.last! + w) }

        func rowItem(_ row: [[TextSpan]], shaded: Bool) -> (height: Double, ops: [DrawOp]) {
            let base = Self.baseline(size: style.size, leading: style.leading)
            var textOps: [DrawOp] = []
            var lineCount = 1
            for (c, spans) in row.enumerated() {
                let lines = Self.wrap(spans, size: style.size, width: widths[c] - 2 * padding)
                lineCount = max(lineCount, lines.count)
                for (i, line) in lines.enumerated() {
                    textOps.append(.text(x: xs[c] + padding, baseline: padding + Double(i) * style.leading + base,
                                         size: style.size, color: style.color, pieces: line.pieces))
                }
            }
            var height = Double(lineCount) * style.leading + 2 * padding
            if !shaded, row.contains(where: { $0.allSatisfy { $0.text.allSatisfy(\.isWhitespace) } }) {
                height = max(height, 3 * style.leading + 2 * padding)
            }
            var ops: [DrawOp] = []
            if shaded { ops.append(.rect(x: 0, y: 0, width: total, height: height, stroke: nil, fill: .faint)) }
            ops += textOps
            ops.append(.line(x1: 0, y1: height, x2: total, y2: height, width: 0.5, color: .line))
            for x in xs { ops.append(.line(x1: x, y1: 0, x2: x, y2: height, width: 0.5, color: .line)) }
            return (height, ops)
        }

        var out: [LayoutItem] = []
        let topLine = DrawOp.line(x1: 0, y1: 0, x2: total, y2: 0, width: 0.5, color: .line)
        var repeated: LayoutItem.RepeatedHeader?
        if let headerCells {
            let (h, ops) = rowItem(headerCells, shaded: true)
            out.append(LayoutItem(height: h, spaceBefore: spaceBefore, keepWithNext: true, ops: ops + [topLine]))
            repeated = LayoutItem.RepeatedHeader(height: h, ops: ops + [topLine])
        }
        for (i, row) in bodyRows.enumerated() {
            let (h, ops) = rowItem(row, shaded: false)
            let first = i == 0 && headerCells == nil
            out.append(LayoutItem(height: h, spaceBefore: first ? spaceBefore : 0, ops: first ? ops + [topLine] : ops,
                                  repeatedHeader: i == 0 ? nil : repeated ?? LayoutItem.RepeatedHeader(height: 0, ops: [topLine])))
        }
        return out
    }

    // MARK: Pages

    /// Places items on pages, top to bottom; a page ends early rather than split a kept-together run,
    /// unless the run would not fit on a page of its own.
    func paginate(_ items: [LayoutItem]) -> [[DrawOp]] {
        var pages: [[DrawOp]] = [[]]
        var cursor = 0.0
        let available = page.textHeight

        func runHeight(from start: Int) -> Double {
            var h = items[start].height
            var i = start
            while items[i].keepWithNext, i + 1 < items.count {
                i += 1
                h += items[i].spaceBefore + items[i].height
            }
            return h
        }

        for (index, item) in items.enumerated() {
            var before = cursor == 0 ? 0 : item.spaceBefore
            let run = runHeight(from: index)
            let pageTooFull = cursor > 0 && (cursor + before + item.height > available
                || (run <= available && cursor + before + run > available))
            if pageTooFull {
                pages.append([])
                cursor = 0
                before = 0
                if let header = item.repeatedHeader {
                    pages[pages.count - 1] += header.ops.map { $0.shifted(dx: page.left, dy: page.top) }
                    cursor = header.height
                }
            }
            let top = page.top + cursor + before
            pages[pages.count - 1] += item.ops.map { $0.shifted(dx: page.left, dy: top) }
            cursor += before + item.height
        }
        return pages
    }
}

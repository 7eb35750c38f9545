import Foundation

/// A printable document rendered as PDF 1.7: A4 pages, the standard Helvetica fonts (not embedded) in
/// WinAnsiEncoding, wrapped text measured with the fonts' real glyph widths, and a footer on every page
/// with the document title and "Page n of N".
///
/// Rendering is pure: the same document and date always give the same bytes.
///
/// ```swift
/// let pdf = PDFDocument(title: "Practice log", blocks: MarkdownBlocks.parse(markdown))
///     .render(creationDate: Date())
/// ```
public struct PDFDocument: Sendable {
    /// Shown in the footer, and as the window title in readers (document info /Title).
    public var title: String?
    /// The natural language of the text (BCP 47, such as "en-GB"), for screen readers.
    public var language: String
    public var blocks: [DocumentBlock]

    public init(title: String? = nil, language: String = "en-GB", blocks: [DocumentBlock]) {
        self.title = title
        self.language = language
        self.blocks = blocks
    }

    /// The PDF file. `creationDate` is written to the document information as given (in UTC).
    public func render(creationDate: Date) -> Data {
        let layout = PDFLayout()
        let pages = layout.paginate(layout.items(for: blocks))
        return Data(PDFWriter.write(pages: pages, geometry: layout.page, title: title, language: language,
                                    creationDate: creationDate))
    }
}

/// Serialises laid-out pages as PDF objects, cross-reference table and trailer.
enum PDFWriter {
    /// Object numbers: 1 catalog, 2 page tree, 3 document info, 4–7 fonts, then each page and its
    /// content stream.
    static func write(pages: [[DrawOp]], geometry: PageGeometry, title: String?, language: String,
                      creationDate: Date) -> [UInt8] {
        let fontBase = 4
        let firstPage = fontBase + FontFace.allCases.count
        let pageIDs = pages.indices.map { firstPage + 2 * $0 }

        var objects: [[UInt8]] = []
        var catalog = "<< /Type /Catalog /Pages 2 0 R /Lang \(textString(language))"
        catalog += " /ViewerPreferences << /DisplayDocTitle true >> >>"
        objects.append(Array(catalog.utf8))
        objects.append(Array("<< /Type /Pages /Kids [\(pageIDs.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(pages.count) >>".utf8))
        var info = "<< /Producer (Tend) /CreationDate (\(dateString(creationDate)))"
        if let title { info += " /Title " + textString(title) }
        info += " >>"
        objects.append(Array(info.utf8))
        for face in FontFace.allCases {
            objects.append(Array("<< /Type /Font /Subtype /Type1 /BaseFont /\(face.baseFont) /Encoding /WinAnsiEncoding >>".utf8))
        }
        let fonts = FontFace.allCases.map { "/\($0.resourceName) \(fontBase + $0.rawValue) 0 R" }.joined(separator: " ")
        for (n, ops) in pages.enumerated() {
            let content = contentStream(ops + footer(page: n + 1, of: pages.count, title: title, geometry: geometry),
                                        pageHeight: geometry.height)
            let box = "[0 0 \(number(geometry.width)) \(number(geometry.height))]"
            objects.append(Array("<< /Type /Page /Parent 2 0 R /MediaBox \(box) /Resources << /Font << \(fonts) >> >> /Contents \(pageIDs[n] + 1) 0 R >>".utf8))
            objects.append(Array("<< /Length \(content.count) >>\nstream\n".utf8) + content + Array("\nendstream".utf8))
        }

        // A binary comment after the header tells transfer programs the file is not text.
        var out: [UInt8] = Array("%PDF-1.7\n%".utf8) + [0xE2, 0xE3, 0xCF, 0xD3] + [0x0A]
        var offsets: [Int] = []
        for (i, body) in objects.enumerated() {
            offsets.append(out.count)
            out += Array("\(i + 1) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
        }
        let xref = out.count
        var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { table += pad(offset) + " 00000 n \n" }
        table += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R /Info 3 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        out += Array(table.utf8)
        return out
    }

    /// "Page n of N" at the right, the title (shortened to fit) at the left.
    static func footer(page: Int, of count: Int, title: String?, geometry: PageGeometry) -> [DrawOp] {
        let size = PDFLayout.footerSize
        let y = geometry.height - geometry.footerBaseline
        let label = WinAnsi.encode("Page \(page) of \(count)")
        let labelWidth = FontFace.regular.width(of: label, size: size)
        var ops: [DrawOp] = [.text(x: geometry.width - geometry.right - labelWidth, baseline: y, size: size, color: .muted,
                                   pieces: [TextPiece(face: .regular, bytes: label)])]
        if let title, !title.isEmpty {
            let room = geometry.textWidth - labelWidth - 24
            var bytes = WinAnsi.encode(title)
            if FontFace.regular.width(of: bytes, size: size) > room {
                let ellipsis: UInt8 = 133
                while !bytes.isEmpty, FontFace.regular.width(of: bytes + [ellipsis], size: size) > room { bytes.removeLast() }
                while bytes.last == 0x20 { bytes.removeLast() }
                bytes.append(ellipsis)
            }
            ops.append(.text(x: geometry.left, baseline: y, size: size, color: .muted, pieces: [TextPiece(face: .regular, bytes: bytes)]))
        }
        return ops
    }

    /// Drawing operators; `ops` use top-down coordinates, PDF's run bottom-up.
    static func contentStream(_ ops: [DrawOp], pageHeight: Double) -> [UInt8] {
        var s: [UInt8] = []
        func emit(_ text: String) { s += Array(text.utf8) }
        func color(_ c: RGB, stroke: Bool) -> String {
            "\(number(c.r)) \(number(c.g)) \(number(c.b)) \(stroke ? "RG" : "rg")"
        }
        for op in ops {
            switch op {
            case let .text(x, baseline, size, c, pieces):
                guard !pieces.isEmpty else { continue }
                emit("BT \(color(c, stroke: false)) \(number(x)) \(number(pageHeight - baseline)) Td")
                for piece in pieces {
                    emit(" /\(piece.face.resourceName) \(number(size)) Tf ")
                    s += literal(piece.bytes)
                    emit(" Tj")
                }
                emit(" ET\n")
            case let .line(x1, y1, x2, y2, width, c):
                emit("\(color(c, stroke: true)) \(number(width)) w \(number(x1)) \(number(pageHeight - y1)) m \(number(x2)) \(number(pageHeight - y2)) l S\n")
            case let .rect(x, y, w, h, stroke, fill):
                let path = "\(number(x)) \(number(pageHeight - y - h)) \(number(w)) \(number(h)) re"
                switch (stroke, fill) {
                case let (stroke?, fill?): emit("\(color(stroke, stroke: true)) \(color(fill, stroke: false)) 0.75 w \(path) B\n")
                case let (stroke?, nil): emit("\(color(stroke, stroke: true)) 0.75 w \(path) S\n")
                case let (nil, fill?): emit("\(color(fill, stroke: false)) \(path) f\n")
                case (nil, nil): break
                }
            }
        }
        return s
    }

    /// A literal string: ( ) \ escaped with a backslash, bytes outside printable ASCII as octal escapes.
    static func literal(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x28]
        for b in bytes {
            switch b {
            case 0x28, 0x29, 0x5C:
                out += [0x5C, b]
            case 0x20...0x7E:
                out.append(b)
            default:
                out.append(0x5C)
                out += Array(String(b, radix: 8).leftPadded(to: 3).utf8)
            }
        }
        out.append(0x29)
        return out
    }

    /// A text string for document information: a literal when plain ASCII, otherwise UTF-16BE with a
    /// byte-order mark, so any title survives.
    static func textString(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
            return String(decoding: literal(Array(text.utf8)), as: UTF8.self)
        }
        let hex = ([0xFEFF] + Array(text.utf16)).map { String($0, radix: 16, uppercase: true).leftPadded(to: 4) }
        return "<" + hex.joined() + ">"
    }

    /// D:YYYYMMDDHHmmSSZ in UTC.
    static func dateString(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let parts = [c.month!, c.day!, c.hour!, c.minute!, c.second!].map { String($0).leftPadded(to: 2) }
        return "D:" + String(c.year!).leftPadded(to: 4) + parts.joined() + "Z"
    }

    /// A number with at most two decimals and no exponent ("72", "595.28", "-0.5").
    static func number(_ x: Double) -> String {
        let hundredths = Int((x * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let a = abs(hundredths)
        let whole = a / 100, frac = a % 100
        if frac == 0 { return sign + String(whole) }
        if frac % 10 == 0 { return sign + "\(whole).\(frac / 10)" }
        return sign + "\(whole)." + String(frac).leftPadded(to: 2)
    }

    static func pad(_ offset: Int) -> String { String(offset).leftPadded(to: 10) }
}


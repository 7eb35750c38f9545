import Foundation

extension HTMLReport {
    /// The report's sections as a fragment for a page of its own (no document, no inline style): notes,
    /// baseline table and each measure, then the methods, with every heading one level lower than in the
    /// stand-alone report so the fragment sits under a page's `<h2>`. Feasibility and drop-out are left
    /// to the page, which reports them from the screening log.
    public static func embeddedSections(_ r: OutcomeAnalysisResult) -> String {
        let e = HTML.escape
        var b = ""
        if !r.notes.isEmpty || !r.rowIssues.isEmpty {
            b += "<section class=\"notes\" aria-labelledby=\"notes-h\"><h2 id=\"notes-h\">Notes on the data</h2><ul>"
            for n in r.notes { b += "<li>\(e(n))</li>" }
            b += "</ul></section>"
        }
        if let base = r.baseline, !base.rows.isEmpty { b += baseline(base) }
        for m in r.measures { b += measure(m, result: r) }
        b += "<section id=\"methods\" aria-labelledby=\"methods-h\"><h2 id=\"methods-h\">Methods</h2>"
        for p in r.methods { b += "<p>\(e(p))</p>" }
        b += "</section>"
        return demoteHeadings(b)
    }

    /// `<h3>` → `<h4>`, then `<h2>` → `<h3>` (tags only; text is escaped, so holds no `<h`). One pass
    /// over the bytes: a report with a few thousand chart markers is megabytes long.
    static func demoteHeadings(_ html: String) -> String {
        var bytes = Array(html.utf8)
        let lt = UInt8(ascii: "<"), slash = UInt8(ascii: "/"), h = UInt8(ascii: "h"), two = UInt8(ascii: "2"), three = UInt8(ascii: "3")
        var i = 0
        while i + 2 < bytes.count {
            if bytes[i] == lt {
                let j = bytes[i + 1] == slash ? i + 2 : i + 1
                if j + 1 < bytes.count, bytes[j] == h, bytes[j + 1] == two || bytes[j + 1] == three {
                    bytes[j + 1] += 1
                    i = j + 2
                    continue
                }
            }
            i += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

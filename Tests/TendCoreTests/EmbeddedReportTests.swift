import Foundation
import Testing
@testable import TendCore

@Suite struct EmbeddedReportTests {
    @Test("Embedded report headings move one level down, closing tags too, and nothing else changes")
    func headingsDemoted() {
        let html = "<h2 id=\"a\">Scores</h2><p>h2 &lt;h3 text</p><h3>Reliable change</h3><svg><text>x</text></svg><h4>kept</h4><h1>top</h1>"
        #expect(HTMLReport.demoteHeadings(html)
                == "<h3 id=\"a\">Scores</h3><p>h2 &lt;h3 text</p><h4>Reliable change</h4><svg><text>x</text></svg><h4>kept</h4><h1>top</h1>")
        #expect(HTMLReport.demoteHeadings("") == "")
        #expect(HTMLReport.demoteHeadings("<h") == "<h")
        #expect(HTMLReport.demoteHeadings("é <h2>ü</h2>") == "é <h3>ü</h3>")
    }

    /// A large study with whole-number scores puts many participants on one spot: each spot is drawn
    /// once per category, and the description still counts everyone.
    @Test("A Jacobson–Truax plot draws participants on the same spot once and still counts them all")
    func jacobsonTruaxDrawsEachSpotOnce() throws {
        var lines = ["participant,timepoint,measure,score"]
        for i in 0..<2000 {
            let pre = 10 + i % 3, post = pre + (i % 2 == 0 ? 8 : 0)
            lines.append("p\(i),pre,scs-sf.total,\(pre)")
            lines.append("p\(i),post,scs-sf.total,\(post)")
        }
        var o = OutcomeAnalysisOptions()
        o.pre = "pre"; o.post = "post"
        o.reliability = ["scs-sf.total": 0.83]
        o.better = ["scs-sf.total": .higherIsBetter]
        let r = try OutcomeAnalysis.run(table: try ScoreTable.parse(lines.joined(separator: "\n")), options: o, defaults: [:])
        let m = try #require(r.measures.first)
        let svg = try #require(SVGChart.jacobsonTruax(measure: m, pre: "pre", post: "post"))
        let clip = try #require(svg.range(of: "clip-path=\"url("))
        let markers = svg[clip.upperBound...].components(separatedBy: "<circle").count - 1
            + svg[clip.upperBound...].components(separatedBy: "<path d=\"M").count - 1
        // Six spots (three pre values, changed or not), plus the reliable-change band's path.
        #expect(markers <= 7, "\(markers) markers drawn")
        #expect(markers >= 6)
        let described = try #require(svg.range(of: "<desc"))
        let counts = svg[described.lowerBound...].prefix { $0 != "/" }
        #expect(counts.contains("1000 improved") && counts.contains("1000 unchanged"), "\(counts)")
    }
}

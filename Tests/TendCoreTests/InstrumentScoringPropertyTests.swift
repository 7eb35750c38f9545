import Foundation
import PropertyBased
import Testing
@testable import TendCore
import TendResources

/// Invariants of scoring that hold for any valid responses to any built-in instrument.
@Suite struct InstrumentScoringPropertyTests {
    static let library = try! InstrumentCatalog.builtIn()

    /// A response file for one instrument: each cell a valid response, or blank with probability ~1/8.
    static func document(_ d: InstrumentDefinition, cells: [Int]) -> CSVDocument {
        var text = "participant,timepoint," + (1...d.itemCount).map { "item\($0)" }.joined(separator: ",") + "\n"
        let span = d.responseRange.max - d.responseRange.min + 1
        text += "P1,pre," + (0..<d.itemCount).map { i in
            let c = cells[i % cells.count]
            return c % 8 == 7 ? "" : String(d.responseRange.min + c % span)
        }.joined(separator: ",") + "\n"
        return try! CSVDocument(parsing: text)
    }

    @Test("every computed score lies within its scale's range, whatever is answered or missing")
    func scoresStayInRange() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0..<Self.library.definitions.count), Gen.int(in: 0...1000).array(of: 1...40)) { which, cells in
            let d = Self.library.definitions[which]
            let report = try! InstrumentScorer.score(document: Self.document(d, cells: cells), instrument: d)
            #expect(report.cellErrors.isEmpty)
            for s in report.scores {
                let scale = d.scales.first { d.measureID(of: $0) == s.measure }!
                let range = d.scoreRange(of: scale)
                #expect(range.contains(s.score), "\(s.measure) = \(s.score) outside \(range)")
            }
            // Every scale is either scored or reported missing with a reason.
            #expect(report.scores.count + report.missingScores.count == d.scales.count)
        }
    }

    @Test("answering every item at the minimum or maximum gives a score at the ends of the range")
    func extremesMapToRangeEnds() {
        for d in Self.library.definitions {
            for value in [d.responseRange.min, d.responseRange.max] {
                let text = "participant,timepoint," + (1...d.itemCount).map { "item\($0)" }.joined(separator: ",") + "\nP1,pre,"
                    + Array(repeating: String(value), count: d.itemCount).joined(separator: ",") + "\n"
                let report = try! InstrumentScorer.score(document: try! CSVDocument(parsing: text), instrument: d)
                for s in report.scores {
                    let scale = d.scales.first { d.measureID(of: $0) == s.measure }!
                    let range = d.scoreRange(of: scale)
                    #expect(s.score >= range.min - 1e-12 && s.score <= range.max + 1e-12, "\(s.measure)")
                }
            }
        }
    }
}

import Foundation
import Testing
import TendCore
import TendResources

/// Helpers shared by the scoring tests.
enum ScoringFixture {
    static func definition(_ id: String) throws -> InstrumentDefinition {
        try #require(try InstrumentCatalog.builtIn().instrument(id))
    }

    /// A CSV with `participant,timepoint` and item columns `item1…itemN`, one row per response list
    /// (nil = blank cell), participant P1, P2, … at timepoint "pre".
    static func csv(_ itemCount: Int, _ rows: [[Int?]], timepoint: String = "pre") -> String {
        var text = "participant,timepoint," + (1...itemCount).map { "item\($0)" }.joined(separator: ",") + "\n"
        for (i, row) in rows.enumerated() {
            precondition(row.count == itemCount)
            text += "P\(i + 1),\(timepoint)," + row.map { $0.map(String.init) ?? "" }.joined(separator: ",") + "\n"
        }
        return text
    }

    static func score(_ id: String, _ text: String) throws -> ScoringReport {
        try InstrumentScorer.score(document: try CSVDocument(parsing: text), instrument: try definition(id))
    }

    static func score(_ definition: InstrumentDefinition, _ text: String) throws -> ScoringReport {
        try InstrumentScorer.score(document: try CSVDocument(parsing: text), instrument: definition)
    }
}

extension ScoringReport {
    func score(_ participant: String, _ measure: String, at timepoint: String = "pre") -> Score? {
        scores.first { $0.participant == participant && $0.measure == measure && $0.timepoint == timepoint }
    }

    func value(_ participant: String, _ measure: String, at timepoint: String = "pre") -> Double? {
        score(participant, measure, at: timepoint)?.score
    }

    func missing(_ participant: String, _ measure: String, at timepoint: String = "pre") -> MissingScore? {
        missingScores.first { $0.participant == participant && $0.measure == measure && $0.timepoint == timepoint }
    }
}

/// Scoring of every built-in instrument. Expected values are worked by hand in the comments.
@Suite("Instrument scoring")
struct InstrumentScoringTests {
    typealias F = ScoringFixture

    @Test("SCS-SF: reverse keys 6 − x in the total only; subscales un-reversed item means")
    func scsSF() throws {
        // Items 1…12 = 5 4 3 2 1 5 4 3 2 1 5 4. Reversed (6 − x): item1 5→1, item4 2→4, item8 3→3,
        // item9 2→4, item11 5→1, item12 4→2. Keyed: 1 4 3 4 1 5 4 3 4 1 1 2, sum 33.
        let r = try F.score("scs-sf", F.csv(12, [[5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4]]))
        #expect(r.value("P1", "scs-sf.total") == 33.0 / 12.0)          // 2.75
        #expect(r.value("P1", "scs-sf.total-sum") == 33)
        #expect(r.value("P1", "scs-sf.self-kindness") == 4.5)         // (4 + 5) / 2
        #expect(r.value("P1", "scs-sf.self-judgment") == 4.5)         // (5 + 4) / 2, not reversed
        #expect(r.value("P1", "scs-sf.common-humanity") == 1)         // (1 + 1) / 2
        #expect(r.value("P1", "scs-sf.isolation") == 2.5)             // (2 + 3) / 2
        #expect(r.value("P1", "scs-sf.mindfulness") == 3.5)           // (3 + 4) / 2
        #expect(r.value("P1", "scs-sf.over-identification") == 3.5)   // (5 + 2) / 2
        #expect(r.missingScores.isEmpty && r.cellErrors.isEmpty && r.riskFlags.isEmpty)
    }

    @Test("SCS-SF proration: ≤ 2 missing, never a whole subscale; subscales need both items")
    func scsSFProration() throws {
        let r = try F.score("scs-sf", F.csv(12, [
            // Items 3 (3) and 12 (keyed 2) missing: keyed sum 33 − 5 = 28 over 10 answered.
            [5, 4, nil, 2, 1, 5, 4, 3, 2, 1, 5, nil],
            // Three missing: too many.
            [5, 4, nil, 2, 1, 5, nil, 3, 2, 1, 5, nil],
            // Items 4 and 8 (the whole isolation subscale) missing.
            [5, 4, 3, nil, 1, 5, 4, nil, 2, 1, 5, 4],
        ]))
        #expect(r.value("P1", "scs-sf.total") == 2.8)                  // 28 / 10
        #expect(r.value("P1", "scs-sf.total-sum") == 28.0 * 12 / 10)   // 33.6
        #expect(r.score("P1", "scs-sf.total")?.proratedItems == [3, 12])
        #expect(r.missing("P1", "scs-sf.mindfulness")?.reason == "1 of 2 items missing (item 3); every item is required, none may be prorated (Tend policy)")
        #expect(r.missing("P1", "scs-sf.self-judgment") != nil)
        #expect(r.value("P1", "scs-sf.self-kindness") == 4.5)

        #expect(r.missing("P2", "scs-sf.total")?.reason == "3 of 12 items missing (items 3, 7 and 12); at most 2 may be prorated")
        #expect(r.missing("P2", "scs-sf.total")?.missingItems == [3, 7, 12])

        let lost = try #require(r.missing("P3", "scs-sf.total"))
        #expect(lost.reason == "2 of 12 items missing (items 4 and 8); every item of Isolation (items 4 and 8) is missing, and each scale of family \"subscales\" needs an answered item")
    }

    @Test("FSCRS: sums and item means of IS, HS, RS; item 9 is a risk item")
    func fscrs() throws {
        // Item i = i mod 5: 1 2 3 4 0 1 2 3 4 0 1 2 3 4 0 1 2 3 4 0 1 2.
        // IS (1,2,4,6,7,14,17,18,20) = 1+2+4+1+2+4+2+3+0 = 19; HS (9,10,12,15,22) = 4+0+2+0+2 = 8;
        // RS (3,5,8,11,13,16,19,21) = 3+0+3+1+3+1+4+1 = 16.
        let row = (1...22).map { Optional($0 % 5) }
        let r = try F.score("fscrs", F.csv(22, [row]))
        #expect(r.value("P1", "fscrs.inadequate-self") == 19)
        #expect(r.value("P1", "fscrs.hated-self") == 8)
        #expect(r.value("P1", "fscrs.reassured-self") == 16)
        #expect(r.value("P1", "fscrs.self-criticism") == 27)
        #expect(r.value("P1", "fscrs.inadequate-self-mean") == 19.0 / 9.0)
        #expect(r.value("P1", "fscrs.hated-self-mean") == 1.6)
        #expect(r.value("P1", "fscrs.reassured-self-mean") == 2)
        #expect(r.riskFlags.count == 1)
        #expect(r.riskFlags.first.map { ($0.item, $0.value, $0.kind) } ?? (0, nil, .unanswered) == (9, 4, .endorsed))
        #expect(r.notes.contains { $0.hasPrefix("The FSCRS key is provisional") })
    }

    @Test("FSCRS: one missing item prorated (80 % rule), but never item 9")
    func fscrsProration() throws {
        var first = (1...22).map { Optional($0 % 5) }
        first[0] = nil                      // IS item 1 missing: 18 over 8 answered → 18 / 8 × 9
        var second = (1...22).map { Optional($0 % 5) }
        second[8] = nil                     // HS item 9 missing
        let r = try F.score("fscrs", F.csv(22, [first, second]))
        #expect(r.value("P1", "fscrs.inadequate-self") == 18.0 * 9 / 8)    // 20.25
        #expect(r.value("P1", "fscrs.inadequate-self-mean") == 18.0 / 8)
        #expect(r.missing("P2", "fscrs.hated-self")?.reason == "1 of 5 items missing (item 9); item 9 is never prorated and must be answered")
        #expect(r.value("P2", "fscrs.inadequate-self") == 19)
        #expect(r.riskFlags.contains { $0.participant == "P2" && $0.item == 9 && $0.kind == .unanswered && $0.value == nil })
    }

    @Test("PSEQ: sum 0–60, up to 2 missing items prorated")
    func pseq() throws {
        let r = try F.score("pseq", F.csv(10, [
            [6, 5, 4, 3, 2, 1, 0, 6, 5, 4],          // 36
            [nil, 5, 4, 3, 2, 1, nil, 6, 5, 4],      // 30 over 8 → 30 / 8 × 10 = 37.5
            [nil, nil, nil, 3, 2, 1, 0, 6, 5, 4],    // 3 missing
        ]))
        #expect(r.value("P1", "pseq.total") == 36)
        #expect(r.value("P2", "pseq.total") == 37.5)
        #expect(r.missing("P3", "pseq.total")?.reason == "3 of 10 items missing (items 1, 2 and 3); at most 2 may be prorated")
    }

    @Test("LDQ: sum with published proration of up to 2 items; 10 is low")
    func ldq() throws {
        let r = try F.score("ldq", F.csv(10, [
            [3, 3, 2, 2, 1, 1, 0, 0, 1, 2],          // 15, moderate
            [nil, 3, 2, 2, 1, 1, nil, 0, 1, 2],      // 12 over 8 → 15
            [nil, 3, 2, 2, 1, nil, nil, 0, 1, 2],    // 3 missing
            [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],          // 10, low
            [1, 1, 1, 1, 1, 1, 1, 1, 1, nil],        // 9 over 9 → 10, low
            [3, 3, 3, 3, 3, 3, 3, 0, 0, 1],          // 22, severe
        ]))
        #expect(r.value("P1", "ldq.total") == 15 && r.score("P1", "ldq.total")?.band == "moderate")
        #expect(r.value("P2", "ldq.total") == 15 && r.score("P2", "ldq.total")?.proratedItems == [1, 7])
        #expect(r.missing("P3", "ldq.total")?.reason == "3 of 10 items missing (items 1, 6 and 7); at most 2 may be prorated")
        #expect(r.score("P4", "ldq.total")?.band == "low")
        #expect(r.value("P5", "ldq.total") == 10 && r.score("P5", "ldq.total")?.band == "low")
        #expect(r.score("P6", "ldq.total")?.band == "severe")
    }

    @Test("OCDUS: provisional 13-item total only, all items required")
    func ocdus() throws {
        let r = try F.score("ocdus", F.csv(13, [Array(repeating: 2, count: 13), [nil] + Array(repeating: 2, count: 12)]))
        #expect(r.value("P1", "ocdus.total") == 26)
        #expect(r.scores.count == 1)
        #expect(r.missing("P2", "ocdus.total")?.reason == "1 of 13 items missing (item 1); every item is required, none may be prorated (Tend policy)")
        #expect(r.notes.contains { $0.hasPrefix("The OCDUS key is provisional: Only the 13-item total is defined.") })
    }

    @Test("DASS-21: subscale sums doubled, raw sums kept, bands on the doubled scores, item 21 risk")
    func dass21() throws {
        // Item i = i mod 4: 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 0 1.
        // Depression (3,5,10,13,16,17,21) = 3+1+2+1+0+1+1 = 9 → 18 (moderate 14–20).
        // Anxiety (2,4,7,9,15,19,20) = 2+0+3+1+3+3+0 = 12 → 24 (extremely severe ≥ 20).
        // Stress (1,6,8,11,12,14,18) = 1+2+0+3+0+2+2 = 10 → 20 (moderate 19–25).
        let r = try F.score("dass21", F.csv(21, [(1...21).map { Optional($0 % 4) }]))
        #expect(r.value("P1", "dass21.depression") == 18 && r.score("P1", "dass21.depression")?.band == "moderate")
        #expect(r.value("P1", "dass21.anxiety") == 24 && r.score("P1", "dass21.anxiety")?.band == "extremely severe")
        #expect(r.value("P1", "dass21.stress") == 20 && r.score("P1", "dass21.stress")?.band == "moderate")
        #expect(r.value("P1", "dass21.depression-raw") == 9 && r.score("P1", "dass21.depression-raw")?.band == nil)
        #expect(r.value("P1", "dass21.anxiety-raw") == 12)
        #expect(r.value("P1", "dass21.stress-raw") == 10)
        #expect(r.riskFlags.map(\.item) == [21] && r.riskFlags[0].value == 1 && r.riskFlags[0].kind == .endorsed)
    }

    @Test("DASS-21: one missing item per subscale prorated as mean × 7 × 2; a score between bands stays in the lower one")
    func dass21Proration() throws {
        // P1: depression items 3 missing, 5 10 13 16 = 1, 17 21 = 0 → 4 over 6 → 4 × 7 / 6 × 2 = 9.333…,
        // between normal (0–9) and mild (10–13): normal. Raw: 4 × 7 / 6 = 4.666….
        var p1 = [Int?](repeating: 0, count: 21)
        p1[2] = nil
        for item in [5, 10, 13, 16] { p1[item - 1] = 1 }
        // P2: two depression items missing → no depression score; anxiety and stress still scored.
        var p2 = [Int?](repeating: 1, count: 21)
        p2[4] = nil; p2[9] = nil
        // P3: item 21 missing → depression never prorated; risk item reported unanswered.
        var p3 = [Int?](repeating: 2, count: 21)
        p3[20] = nil
        let r = try F.score("dass21", F.csv(21, [p1, p2, p3]))
        let depression = try #require(r.value("P1", "dass21.depression"))
        #expect(abs(depression - 28.0 / 3.0) < 1e-12)
        #expect(r.score("P1", "dass21.depression")?.band == "normal")
        #expect(abs(try #require(r.value("P1", "dass21.depression-raw")) - 14.0 / 3.0) < 1e-12)
        #expect(r.missing("P2", "dass21.depression")?.reason == "2 of 7 items missing (items 5 and 10); at most 1 may be prorated")
        #expect(r.value("P2", "dass21.anxiety") == 14)
        #expect(r.missing("P3", "dass21.depression")?.reason == "1 of 7 items missing (item 21); item 21 is never prorated and must be answered")
        #expect(r.value("P3", "dass21.stress") == 28)
        #expect(r.riskFlags.contains { $0.participant == "P3" && $0.item == 21 && $0.kind == .unanswered })
    }

    @Test("GAD-7: sum and bands; all items required")
    func gad7() throws {
        let r = try F.score("gad7", F.csv(7, [[3, 3, 3, 3, 3, 0, 0], [1, 1, 1, 1, 0, 0, 0], [2, 2, 2, 2, 1, 1, nil], [2, 2, 2, 2, 1, 1, 0]]))
        #expect(r.value("P1", "gad7.total") == 15 && r.score("P1", "gad7.total")?.band == "severe")
        #expect(r.value("P2", "gad7.total") == 4 && r.score("P2", "gad7.total")?.band == "minimal")
        #expect(r.missing("P3", "gad7.total") != nil)
        #expect(r.score("P4", "gad7.total")?.band == "moderate")   // 10
        #expect(r.riskFlags.isEmpty)
    }

    @Test("PHQ-9: sum and bands; item 9 flagged at any response above 0 and never prorated")
    func phq9() throws {
        let r = try F.score("phq9", F.csv(9, [
            [1, 1, 1, 1, 1, 1, 1, 1, 2],        // 10, moderate; item 9 = 2 flagged
            [1, 1, 1, 1, 1, 1, 1, 1, 0],        // 8, mild; no flag
            [1, 1, 1, 1, 1, 1, 1, 1, nil],      // item 9 missing
            [nil, 1, 1, 1, 1, 1, 1, 1, 0],      // item 1 missing: all 9 required by default
            [nil, nil, nil, nil, nil, nil, nil, nil, nil],   // nothing answered
        ]))
        #expect(r.value("P1", "phq9.total") == 10 && r.score("P1", "phq9.total")?.band == "moderate")
        #expect(r.value("P2", "phq9.total") == 8 && r.score("P2", "phq9.total")?.band == "mild")
        let endorsed = r.riskFlags.filter { $0.kind == .endorsed }
        #expect(endorsed.count == 1 && endorsed[0].participant == "P1" && endorsed[0].item == 9 && endorsed[0].value == 2)
        #expect(r.missing("P3", "phq9.total")?.reason == "1 of 9 items missing (item 9); every item is required, none may be prorated (Tend policy)")
        #expect(r.riskFlags.contains { $0.participant == "P3" && $0.kind == .unanswered && $0.item == 9 })
        #expect(r.missing("P4", "phq9.total") != nil)
        #expect(r.missing("P5", "phq9.total")?.reason == "no item of the scale answered: 9 of 9 items missing (items 1, 2, 3, 4, 5, 6, 7, 8 and 9)")
        #expect(!r.riskFlags.contains { $0.participant == "P5" })   // an empty row is non-response, not a skipped risk item
    }

    @Test("PHQ-9 with the prorate-≤ 2 convention: other items are prorated, item 9 never")
    func phq9Convention() throws {
        var d = try F.definition("phq9")
        d.scales[0].missing = .init(method: .prorateMean, maxMissing: 2, mustBeAnswered: [9], basis: .tendPolicy)
        #expect(d.validationIssues().isEmpty)
        let r = try F.score(d, F.csv(9, [[nil, 1, 1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1, 1, 1, nil]]))
        #expect(r.value("P1", "phq9.total") == 7.0 * 9 / 8)     // 7 over 8 answered → 7.875
        #expect(r.missing("P2", "phq9.total")?.reason == "1 of 9 items missing (item 9); item 9 is never prorated and must be answered")

        // The same rule without protecting item 9 does not validate.
        d.scales[0].missing.mustBeAnswered = []
        #expect(d.validationIssues().map(\.path) == ["scales[0].missing.mustBeAnswered"])
    }

    @Test("PEG-3: mean of 3 items, all required")
    func peg3() throws {
        let r = try F.score("peg3", F.csv(3, [[7, 5, 6], [7, nil, 6], [8, 7, 7]]))
        #expect(r.value("P1", "peg3.total") == 6)
        #expect(r.missing("P2", "peg3.total") != nil)
        #expect(r.value("P3", "peg3.total") == 22.0 / 3.0)
    }

    @Test("FCS: each form is its own sum", arguments: [("fcs-self", 15), ("fcs-from-others", 13), ("fcs-to-others", 10)])
    func fcs(_ id: String, _ count: Int) throws {
        // Items alternate 0, 1, 2, 3, 4, …: the sum is worked out item by item.
        let row = (0..<count).map { Optional($0 % 5) }
        let expected = (0..<count).reduce(0) { $0 + $1 % 5 }
        let r = try F.score(id, F.csv(count, [row]))
        #expect(r.value("P1", "\(id).total") == Double(expected))
        #expect(r.notes.contains { $0.contains("provisional") })
    }

    @Test("single-item ratings: the value itself; outside 0–10 is a cell error", arguments: ["pain", "craving", "mood"])
    func singleItem(_ id: String) throws {
        let r = try F.score(id, "participant,timepoint,\(id)_1\nP1,pre,7\nP2,pre,11\nP3,pre,\n")
        #expect(r.value("P1", "\(id).rating") == 7)
        #expect(r.cellErrors == [.init(row: 3, column: "\(id)_1", value: "11", expected: "a whole number from 0 to 10")])
        #expect(r.missing("P2", "\(id).rating") != nil && r.missing("P3", "\(id).rating") != nil)
        #expect(r.reliability.allSatisfy { $0.alpha == nil && $0.problem == "a one-item scale has no internal consistency" })
    }
}

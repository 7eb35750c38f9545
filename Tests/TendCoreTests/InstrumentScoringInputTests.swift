import Foundation
import Testing
import TendCore
import TendResources

/// How the scorer reads its input: column names, bad cells, bad rows, the tidy output and the
/// reliability table.
@Suite("Instrument scoring input and output")
struct InstrumentScoringInputTests {
    typealias F = ScoringFixture

    func scoringError(_ id: String, _ text: String) throws -> InstrumentScoringError? {
        let document = try CSVDocument(parsing: text)
        let definition = try F.definition(id)
        do {
            _ = try InstrumentScorer.score(document: document, instrument: definition)
            return nil
        } catch {
            return error
        }
    }

    @Test("item columns may be named item1, item_1, <id>_1, <id>1 or 1, in any case", arguments: [
        "item", "item_", "ITEM", "phq9_", "phq9", "PHQ9_", "",
    ])
    func columnForms(_ prefix: String) throws {
        let header = "Participant, TimePoint ," + (1...9).map { "\(prefix)\($0)" }.joined(separator: ",")
        let r = try F.score("phq9", header + "\nP1,pre,1,1,1,1,1,1,1,1,0\n")
        #expect(r.value("P1", "phq9.total") == 8)
        #expect(r.itemColumns.first == "\(prefix)1")
    }

    @Test("hyphenated ids are accepted as written, with underscores, or without hyphens", arguments: ["scs-sf_", "scs_sf_", "scssf", "scs-sf"])
    func hyphenatedIDs(_ prefix: String) throws {
        let header = "participant,timepoint," + (1...12).map { "\(prefix)\($0)" }.joined(separator: ",")
        let r = try F.score("scs-sf", header + "\nP1,pre,3,3,3,3,3,3,3,3,3,3,3,3\n")
        #expect(r.value("P1", "scs-sf.total") == 3)
    }

    @Test("header problems are errors naming the column")
    func headerErrors() throws {
        let items = (1...7).map { "item\($0)" }.joined(separator: ",")
        let unknown = try #require(try scoringError("gad7", "participant,timepoint,notes,\(items)\n"))
        #expect(unknown == .unknownColumn("notes", instrument: "GAD-7", itemCount: 7, example: "item1, item_1, gad7_1 or 1"))
        #expect(unknown.description == "column \"notes\" is not participant, timepoint, arm or an item of GAD-7 (items 1…7, named like item1, item_1, gad7_1 or 1); remove it or rename it")

        let unnamed = try #require(try scoringError("gad7", "participant,timepoint,\(items),\nP1,pre,1,1,1,1,1,1,1,\n"))
        #expect(unnamed == .unknownColumn("(unnamed column 10)", instrument: "GAD-7", itemCount: 7, example: "item1, item_1, gad7_1 or 1"))

        let beyond = try #require(try scoringError("gad7", "participant,timepoint,\(items),item8\n"))
        #expect(beyond.description == "column \"item8\" names item 8, but GAD-7 has 7 items (1…7)")

        let absent = try #require(try scoringError("gad7", "participant,timepoint,item1,item2,item4,item5,item6\n"))
        #expect(absent == .missingItemColumns([3, 7], instrument: "GAD-7", example: "item1, item_1, gad7_1 or 1"))
        #expect(absent.description == "the file has no column for items 3 and 7 of GAD-7; name item columns like item1, item_1, gad7_1 or 1")

        let twice = try #require(try scoringError("gad7", "participant,timepoint,\(items),item_3\n"))
        #expect(twice.description == "columns \"item3\" and \"item_3\" name the same thing; keep one")

        let noParticipant = try #require(try scoringError("gad7", "id,timepoint,\(items)\n"))
        #expect(noParticipant == .unknownColumn("id", instrument: "GAD-7", itemCount: 7, example: "item1, item_1, gad7_1 or 1"))
        let noTimepoint = try #require(try scoringError("gad7", "participant,\(items)\n"))
        #expect(noTimepoint == .missingColumn("timepoint", header: ["participant"] + (1...7).map { "item\($0)" }))
    }

    @Test("bad cells are reported with row, column, value and allowed range; valid rows are still scored")
    func badCells() throws {
        let text = """
        participant,timepoint,item1,item2,item3,item4,item5,item6,item7
        P1,pre,1,1,1,1,1,1,1
        P2,pre,1,7,1,1,1,1,1
        P3,pre,1,abc,1.5,-1,1,1,1
        P4,pre,3.0,NA,N/A,.,nan,1,1
        P5,pre,0,0,0,0,0,0,0
        """
        let r = try F.score("gad7", text)
        #expect(r.cellErrors == [
            .init(row: 3, column: "item2", value: "7", expected: "a whole number from 0 to 3"),
            .init(row: 4, column: "item2", value: "abc", expected: "a whole number from 0 to 3"),
            .init(row: 4, column: "item3", value: "1.5", expected: "a whole number from 0 to 3"),
            .init(row: 4, column: "item4", value: "-1", expected: "a whole number from 0 to 3"),
        ])
        #expect(r.cellErrors[0].description == "row 3, column item2: \"7\" is not a whole number from 0 to 3; the item counts as missing in this row")
        #expect(r.value("P1", "gad7.total") == 7)
        #expect(r.value("P5", "gad7.total") == 0)
        #expect(r.missing("P2", "gad7.total")?.reason == "1 of 7 items missing (item 2; item 2 had an invalid value, counted as missing); every item is required, none may be prorated (Tend policy)")
        #expect(r.missing("P4", "gad7.total")?.missingItems == [2, 3, 4, 5])   // "3.0" is the whole number 3; NA, N/A, ., nan are blanks
        #expect(r.notes.contains("A cell with an invalid value counts as a missing item in its row; the row's other items and scales are still scored."))
    }

    @Test("a bad cell in a prorating scale is prorated like a blank one")
    func badCellProrated() throws {
        let r = try F.score("pseq", "participant,timepoint," + (1...10).map { "item\($0)" }.joined(separator: ",") + "\nP1,pre,6,6,6,6,6,6,6,6,6,9\n")
        #expect(r.value("P1", "pseq.total") == 60)   // 54 over 9 answered × 10
        #expect(r.cellErrors.count == 1 && r.score("P1", "pseq.total")?.proratedItems == [10])
    }

    @Test("bad rows: a later duplicate names both rows; blank ids, wrong widths and arm conflicts are refused")
    func badRows() throws {
        let text = """
        participant,arm,timepoint,item1,item2,item3
        P1,cft,pre,7,5,6
        P2,wait,pre,1,1,1
        P1,cft,pre,0,0,0
        ,cft,post,1,1,1
        P3,cft,,1,1,1
        P2,cft,post,1,1,1
        P2,,follow-up,2,2,2
        P4,cft,pre,1,1
        """
        let r = try F.score("peg3", text)
        #expect(r.rowErrors == [
            .init(row: 4, message: "participant P1 at timepoint pre already appears in row 2; this later row was not scored"),
            .init(row: 5, message: "the participant is blank; this row was not scored"),
            .init(row: 6, message: "the timepoint is blank; this row was not scored"),
            .init(row: 7, message: "participant P2 is in arm wait in row 3 but in arm cft here; this row was not scored"),
            .init(row: 9, message: "has 5 fields; the header has 6; this row was not scored"),
        ])
        #expect(r.value("P1", "peg3.total") == 6)                                // the first P1 row
        #expect(r.score("P2", "peg3.total", at: "follow-up")?.arm == "wait")       // blank arm filled in
        #expect(r.scores.count == 3)
    }

    @Test("tidy CSV: participant,arm,timepoint,measure,score at full precision, missing scores left out")
    func tidyCSV() throws {
        let text = """
        participant,arm,timepoint,item1,item2,item3
        P1,cft,pre,7,5,6
        "P,2",wait,post,8,7,7
        P3,wait,pre,8,,7
        """
        let r = try F.score("peg3", text)
        #expect(r.tidyCSV() == """
        participant,arm,timepoint,measure,score
        P1,cft,pre,peg3.total,6
        "P,2",wait,post,peg3.total,7.333333333333333

        """)
        let noArm = try F.score("peg3", "participant,timepoint,item1,item2,item3\nP1,pre,1,2,4\n")
        #expect(noArm.tidyCSV() == "participant,arm,timepoint,measure,score\nP1,,pre,peg3.total,2.3333333333333335\n")
        #expect(Double("2.3333333333333335") == 7.0 / 3.0)
    }

    @Test("reliability table: alpha per scale per timepoint on complete rows, reversed as for the scale")
    func reliabilityTable() throws {
        // Six respondents; P6 lacks item 3, so the total uses 5 rows and self-kindness 6.
        // Expected values: numpy + scipy (reverse items 1, 4, 8, 9, 11, 12 as 6 − x for the total).
        let rows: [[Int?]] = [
            [2, 4, 3, 2, 3, 5, 3, 2, 3, 3, 2, 2],
            [4, 2, 2, 4, 2, 2, 2, 4, 4, 2, 4, 4],
            [1, 5, 4, 1, 4, 5, 4, 2, 1, 4, 1, 1],
            [3, 3, 3, 3, 3, 2, 4, 3, 2, 3, 3, 3],
            [5, 1, 2, 5, 1, 1, 1, 5, 5, 2, 5, 4],
            [2, 4, nil, 2, 4, 4, 4, 1, 2, 5, 2, 1],
        ]
        let r = try F.score("scs-sf", F.csv(12, rows))
        func entry(_ measure: String) throws -> ScoringReport.ReliabilityEntry {
            try #require(r.reliability.first { $0.measure == measure && $0.timepoint == "pre" })
        }
        let total = try entry("scs-sf.total")
        #expect(total.completeRows == 5 && total.itemCount == 12)
        let a = try #require(total.alpha)
        #expect(abs(a.alpha - 0.98767395626242549) < 1e-12)
        #expect(abs(a.lower - 0.96187199727729955) < 1e-10)
        #expect(total.defaultReliability.value == 0.83)
        #expect(try entry("scs-sf.total-sum").alpha?.alpha == a.alpha)

        let kindness = try #require(try entry("scs-sf.self-kindness").alpha)
        #expect(kindness.n == 6 && abs(kindness.alpha - 0.95945945945945943) < 1e-12)
        let overIdentification = try #require(try entry("scs-sf.over-identification").alpha)
        #expect(abs(overIdentification.alpha - 0.95161290322580649) < 1e-12)    // un-reversed, as the subscale is scored
        #expect(abs(overIdentification.lower - 0.6542073308677665) < 1e-10)

        let mindfulness = try entry("scs-sf.mindfulness")
        #expect(mindfulness.completeRows == 5)

        // Scores of the same rows (item means after reversal), for the record.
        #expect(abs(try #require(r.value("P1", "scs-sf.total")) - 3.6666666666666665) < 1e-15)
        #expect(abs(try #require(r.value("P6", "scs-sf.total")) - 47.0 / 11.0) < 1e-15)
        #expect(r.reliability.count == 8)   // 8 scales × 1 timepoint
    }

    @Test("reliability entries say why alpha is missing")
    func reliabilityProblems() throws {
        let r = try F.score("peg3", "participant,timepoint,item1,item2,item3\nP1,pre,1,2,3\nP1,post,1,2,3\nP2,post,3,2,1\n")
        let pre = try #require(r.reliability.first { $0.timepoint == "pre" })
        #expect(pre.alpha == nil && pre.problem == "alpha needs at least 2 complete rows; there is 1")
        let post = try #require(r.reliability.first { $0.timepoint == "post" })
        #expect(post.alpha == nil && post.problem == "every respondent has the same total, so alpha is undefined (zero total variance)")
        #expect(r.reliability.map(\.timepoint) == ["pre", "post"])
    }
}

import Testing
@testable import TendCore

/// The rows of stored scores are not kept while reading; a second score for the same participant,
/// timepoint and measure still names the row of the first, wherever the input is split.
@Suite struct DuplicateScoreFirstRowTests {
    static let text = """
    participant,timepoint,measure,score
    P1,pre,m,1

    P2,pre,m,2
    P1,pre,m,5
    P2,pre,m,x
    P2,pre,m,3
    P1,pre,m,NA
    P3,pre,m,4
    P3,pre,m,6

    """

    static let expected = [
        "row 5: a second score for participant P1, timepoint pre, measure m (first at row 2); the first is kept",
        "row 6, column score: \"x\": is not a number; expected a score such as 12 or 3.5 (blank or NA for a missing score)",
        "row 7: a second score for participant P2, timepoint pre, measure m (first at row 4); the first is kept",
        "row 10: a second score for participant P3, timepoint pre, measure m (first at row 9); the first is kept",
    ]

    @Test func aSinglePassNamesTheFirstRow() throws {
        let table = try ScoreTable.parse(Self.text, split: .never).table
        #expect(table.issues.map(\.description) == Self.expected)
        #expect(table.score(measure: 0, timepoint: 0, participant: 0) == 1)
        #expect(table.score(measure: 0, timepoint: 0, participant: 1) == 2)
        #expect(table.score(measure: 0, timepoint: 0, participant: 2) == 4)
    }

    @Test func everySplitPointNamesTheFirstRow() throws {
        var offset = 0
        var strategies: Set<String> = []
        for line in Self.text.split(separator: "\n", omittingEmptySubsequences: false) {
            let run = try ScoreTable.parse(Self.text, split: .near(offset))
            #expect(run.table.issues.map(\.description) == Self.expected, "split after byte \(offset)")
            strategies.insert("\(run.strategy)")
            offset += line.utf8.count + 1
        }
        // Both halves merged (the P3 rows alone in the second half) and read again in sequence.
        #expect(strategies.contains("split") && strategies.contains("splitThenSequential"))
    }
}

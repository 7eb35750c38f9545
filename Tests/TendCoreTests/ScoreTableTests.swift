import Testing
@testable import TendCore

@Suite struct ScoreTableTests {
    @Test func readsTidyScoresInColumnOrderOfTheHeader() throws {
        let table = try ScoreTable.parse("""
        measure,score,participant,timepoint,arm
        pain.rating,6,P1,pre,a
        pain.rating,4.5,P1,post,a
        pain.rating,7,P2,pre,b

        """)
        #expect(table.participants == ["P1", "P2"])
        #expect(table.arms == ["a", "b"])
        #expect(table.timepoints == ["pre", "post"])
        #expect(table.score(measure: 0, timepoint: 1, participant: 0) == 4.5)
        #expect(table.score(measure: 0, timepoint: 1, participant: 1) == nil)
        #expect(table.issues.isEmpty)
        #expect(table.rowCount == 3)
    }

    @Test func handlesQuotesCRLFByteOrderMarkAndMissingMarkers() throws {
        let text = "\u{FEFF}participant,timepoint,measure,score,site\r\n\"P,1\",pre,m,NA,\"North \"\"A\"\"\"\r\n\"P,1\",post,m,3,\"North \"\"A\"\"\"\r\nP2,pre,m,,South\r\nP2,post,m,.,South\r\n"
        let table = try ScoreTable.parse(text)
        #expect(table.participants == ["P,1", "P2"])
        #expect(table.score(measure: 0, timepoint: 0, participant: 0) == nil)
        #expect(table.score(measure: 0, timepoint: 1, participant: 0) == 3)
        #expect(table.covariateNames == ["site"])
        #expect(table.covariates[0] == ["North \"A\"", "South"])
        #expect(table.issues.isEmpty)
    }

    @Test func reportsBadRowsWithRowNumberAndKeepsTheRest() throws {
        let table = try ScoreTable.parse("""
        participant,timepoint,measure,score
        P1,pre,m,12
        P1,pre,m,13
        P2,pre,m,twelve
        ,pre,m,3
        P3,pre,m,1e1
        P4,pre
        """)
        #expect(table.score(measure: 0, timepoint: 0, participant: 0) == 12)
        #expect(table.score(measure: 0, timepoint: 0, participant: table.participants.firstIndex(of: "P3")!) == 10)
        let messages = table.issues.map(\.description)
        #expect(messages.count == 4)
        #expect(messages[0].hasPrefix("row 3:") && messages[0].contains("first at row 2"))
        #expect(messages[1] == "row 4, column score: \"twelve\": is not a number; expected a score such as 12 or 3.5 (blank or NA for a missing score)")
        #expect(messages[2].hasPrefix("row 5, column participant"))
        #expect(messages[3].hasPrefix("row 7:") && messages[3].contains("has 2 fields"))
    }

    @Test func missingColumnsAreNamed() {
        #expect(throws: ScoreTableError.missingColumns(["measure", "score"], found: ["participant", "timepoint", "value"])) {
            try ScoreTable.parse("participant,timepoint,value\nP1,pre,3\n")
        }
        #expect(throws: ScoreTableError.empty) { try ScoreTable.parse("") }
    }

    @Test func aParticipantKeepsTheirFirstArm() throws {
        let table = try ScoreTable.parse("participant,arm,timepoint,measure,score\nP1,a,pre,m,1\nP1,b,post,m,2\n")
        #expect(table.armOfParticipant == [0])
        #expect(table.issues.count == 1)
        #expect(table.issues[0].message.contains("already in arm a"))
    }

    @Test func numbersParseExactlyLikeTheStandardLibrary() throws {
        let samples = ["0", "-0.5", "3.6666666666666665", "12345678901234567890", "0.1", "1e-3", "2.5E2", "+7", "0.30000000000000004", "123456.789012345678"]
        var csv = "participant,timepoint,measure,score\n"
        for (i, s) in samples.enumerated() { csv += "P\(i),t,m,\(s)\n" }
        let table = try ScoreTable.parse(csv)
        for (i, s) in samples.enumerated() {
            #expect(table.score(measure: 0, timepoint: 0, participant: i) == Double(s), "\(s)")
        }
    }
}

@Suite struct ScoreTableCovariateTests {
    @Test func covariatesFromASecondFileJoinByParticipant() throws {
        var table = try ScoreTable.parse("participant,arm,timepoint,measure,score,site\nP1,a,pre,m,1,N\nP2,b,pre,m,2,S\n")
        try table.addCovariates(try CSVDocument(parsing: "participant,age,site\nP2,41,X\nP9,30,Y\nP1,35,Z\nP1,36,Z\n"), file: "cov.csv")
        #expect(table.covariateNames == ["site", "age"])
        #expect(table.covariates[1] == ["35", "41"])
        let messages = table.issues.map(\.description)
        #expect(messages.count == 3)
        #expect(messages[0].contains("site is already in the scores file"))
        #expect(messages[1].hasPrefix("row 3, column participant: \"P9\""))
        #expect(messages[2].contains("first at row 4"))
    }

    @Test func aCovariateFileNeedsAParticipantColumn() throws {
        var table = try ScoreTable.parse("participant,timepoint,measure,score\nP1,pre,m,1\n")
        #expect(throws: CovariateFileError.noParticipantColumn(file: "c.csv", found: ["id", "age"])) {
            try table.addCovariates(try CSVDocument(parsing: "id,age\nP1,3\n"), file: "c.csv")
        }
    }
}

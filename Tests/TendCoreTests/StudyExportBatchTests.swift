import Foundation
import Testing
@testable import TendCore

/// The pieces the server's streamed exports are written with: header and line functions that give
/// exactly what the whole-file writers give, the files without an arm for staff blinded to allocation,
/// and the tidy study export read back by the analysis reader.
@Suite("Study exports written in batches")
struct StudyExportBatchTests {
    /// 2026-03-01T09:30:00Z.
    let when = Date(timeIntervalSince1970: 1_772_357_400)

    var tidyRows: [TidyScoreRow] {
        [
            TidyScoreRow(studyCode: "S-01", arm: "cft", timepoint: "pre", measure: "phq9.total", score: 14, completedAt: when, late: false),
            TidyScoreRow(studyCode: "S-01", arm: "cft", timepoint: "post", measure: "phq9.total", score: 8, completedAt: when.addingTimeInterval(86_400 * 60), late: true),
            TidyScoreRow(studyCode: "S-02", arm: "waitlist", timepoint: "pre", measure: "phq9.total", score: 11, completedAt: when, late: false),
            TidyScoreRow(studyCode: "S-02", arm: "waitlist", timepoint: "post", measure: "phq9.total", score: 10.5, completedAt: when, late: false),
        ]
    }

    @Test("The tidy header and lines joined are the file write gives; without the arm both lose the arm column")
    func tidyLines() {
        var whole = ""
        TidyScoreExport.write(tidyRows) { whole += $0 }
        #expect(TidyScoreExport.headerLine() + tidyRows.map { TidyScoreExport.line($0) }.joined() == whole)
        #expect(TidyScoreExport.headerLine(includeArm: false) == "study_code,timepoint,measure,score,completed_at,late\r\n")
        #expect(TidyScoreExport.line(tidyRows[1], includeArm: false) == "S-01,post,phq9.total,8,2026-04-30T09:30:00Z,1\r\n")
    }

    @Test("The wide header and lines joined are the file write gives; without the arm there is no arm column and no arm check")
    func wideLines() throws {
        let layout = try WideScoreExport.layout(measures: ["phq9.total"], timepoints: ["pre", "post"], arms: ["cft", "waitlist"])
        let rows = [
            WideParticipantRow(studyCode: "S-01", arm: "cft", scores: ["phq9.total": ["pre": 14, "post": 8]]),
            WideParticipantRow(studyCode: "S-02", arm: nil, scores: ["phq9.total": ["pre": 11]]),
        ]
        var whole = ""
        try WideScoreExport.write(rows, layout: layout) { whole += $0 }
        let joined = try WideScoreExport.headerLine(layout: layout)
            + rows.enumerated().map { try WideScoreExport.line($1, index: $0, layout: layout) }.joined()
        #expect(joined == whole)
        let blind = try WideScoreExport.layout(measures: ["phq9.total"], timepoints: ["pre", "post"], arms: [])
        #expect(WideScoreExport.headerLine(layout: blind, includeArm: false) == "study_code,phq9_total_pre,phq9_total_post\r\n")
        #expect(try WideScoreExport.line(rows[0], index: 0, layout: blind, includeArm: false) == "S-01,14,8\r\n")
        #expect(throws: InputError.self) { try WideScoreExport.line(rows[0], index: 3, layout: blind) }
    }

    @Test("SPSS syntax for the file without an arm declares, labels and levels no arm")
    func spssWithoutArm() throws {
        let layout = try WideScoreExport.layout(measures: ["phq9.total"], timepoints: ["pre"], arms: [])
        var with = "", without = ""
        SPSSSyntax.write(layout: layout, csvFileName: "w.csv") { with += $0 }
        SPSSSyntax.write(layout: layout, csvFileName: "w.csv", includeArm: false) { without += $0 }
        #expect(with.contains("arm F3.0") && with.contains("VARIABLE LEVEL arm"))
        #expect(!without.contains("arm"))
        #expect(without.contains("    study_code A64\n    phq9_total_pre F40.0\n.\n"))
        #expect(without.contains("VARIABLE LABELS\n  study_code 'Pseudonymous study code'\n  /phq9_total_pre 'phq9.total, pre'.\n"))
    }

    @Test("The FHIR bundle's pieces joined are the bundle writeBundle gives")
    func fhirPieces() {
        let settings = FHIRExport.Settings(questionnaireBase: "https://t.example/fhir/Questionnaire", subjectSystem: "https://t.example/s")
        let answers = [
            QuestionnaireAnswers(studyCode: "S-01", instrument: "phq9", instrumentVersion: "1", authored: when, responses: [1, nil, 3]),
            QuestionnaireAnswers(studyCode: "S-02", instrument: "phq9", instrumentVersion: "1", authored: when, responses: [0]),
        ]
        var whole = ""
        FHIRExport.writeBundle(answers, settings: settings) { whole += $0 }
        let pieces = FHIRExport.bundleOpening + answers.enumerated().map { FHIRExport.bundleEntry($1, settings: settings, first: $0 == 0) }.joined()
            + FHIRExport.bundleClosing
        #expect(pieces == whole)
    }

    @Test("The analysis reader takes the tidy study export: study_code is the participant, completed_at and late are not covariates")
    func analysisReadsTidyExport() throws {
        var text = ""
        TidyScoreExport.write(tidyRows) { text += $0 }
        let table = try ScoreTable.parse(text)
        #expect(table.participants == ["S-01", "S-02"])
        #expect(table.arms == ["cft", "waitlist"])
        #expect(table.timepoints == ["pre", "post"])
        #expect(table.covariateNames.isEmpty)
        #expect(table.issues.isEmpty)
        #expect(table.score(measure: 0, timepoint: 1, participant: 1) == 10.5)
        // A file with its own participant column keeps study_code, completed_at and late as covariates.
        let other = try ScoreTable.parse("participant,study_code,late,timepoint,measure,score\np1,S-01,0,pre,phq9.total,3\n")
        #expect(other.covariateNames == ["study_code", "late"])
    }
}

import Foundation
import Testing
@testable import TendCore
import TendResources

@Suite("Study reports: tidy, wide, SPSS, REDCap and FHIR exports")
struct StudyReportsExportTests {
    static let library = try! InstrumentCatalog.builtIn()
    /// 2026-03-01T09:30:00Z.
    let when = Date(timeIntervalSince1970: 1_772_357_400)

    @Test("Tidy CSV: header, RFC 4180 quoting, full precision, empty cells, late flag; one call per line")
    func tidy() {
        var lines: [String] = []
        TidyScoreExport.write([
            TidyScoreRow(studyCode: "S-01", arm: "CFT", timepoint: "pre", measure: "scs-sf.total", score: 7.0 / 3.0, completedAt: when, late: false),
            TidyScoreRow(studyCode: "S,\"02\"", arm: "waitlist", timepoint: "post", measure: "phq9.total", score: nil, completedAt: nil, late: true),
            TidyScoreRow(studyCode: "S-03", arm: "CFT", timepoint: "post", measure: "phq9.total", score: 12, completedAt: when.addingTimeInterval(0.25), late: false),
        ]) { lines.append($0) }
        #expect(lines == [
            "study_code,arm,timepoint,measure,score,completed_at,late\r\n",
            "S-01,CFT,pre,scs-sf.total,2.3333333333333335,2026-03-01T09:30:00Z,0\r\n",
            "\"S,\"\"02\"\"\",waitlist,post,phq9.total,,,1\r\n",
            "S-03,CFT,post,phq9.total,12,2026-03-01T09:30:00.250Z,0\r\n",
        ])
        // Reads back with the package's own CSV reader to the same fields.
        let doc = try? CSVDocument(parsing: lines.joined())
        #expect(doc?.rows[1].fields == ["S,\"02\"", "waitlist", "post", "phq9.total", "", "", "1"])
    }

    @Test("SPSS variable names: documented mapping, 64-character limit, leading letter")
    func spssNames() {
        #expect(SPSSNames.variableName(measure: "scs-sf.total", timepoint: "pre") == "scssf_total_pre")
        #expect(SPSSNames.variableName(measure: "dass21.depression-raw", timepoint: "Week 8") == "dass21_depression_raw_week_8")
        #expect(SPSSNames.variableName(measure: "9box.total", timepoint: "post") == "v9box_total_post")
        let long = SPSSNames.variableName(measure: "x." + String(repeating: "a", count: 80), timepoint: "follow-up")
        #expect(long.count == 64 && long.hasSuffix("_follow_up") && long.hasPrefix("x_aaa"))
    }

    @Test("Wide layout orders columns measure by measure in schedule order and rejects collisions")
    func wideLayout() throws {
        let layout = try WideScoreExport.layout(measures: ["scs-sf.total", "phq9.total"], timepoints: ["pre", "post", "follow-up"],
                                                arms: ["CFT", "relaxation"], labels: ["scs-sf.total": "SCS-SF total"])
        #expect(layout.columns.map(\.name) == ["scssf_total_pre", "scssf_total_post", "scssf_total_follow_up",
                                               "phq9_total_pre", "phq9_total_post", "phq9_total_follow_up"])
        #expect(layout.columns[0].label == "SCS-SF total, pre")
        #expect(throws: InputError.self) {
            try WideScoreExport.layout(measures: ["scs-sf.total", "scssf.total"], timepoints: ["pre"], arms: [])
        }
        #expect(throws: InputError.self) {
            try WideScoreExport.layout(measures: ["study"], timepoints: ["code"], arms: [])
        }
    }

    @Test("Wide CSV: one row per participant, arm codes, missing as empty")
    func wideRows() throws {
        let layout = try WideScoreExport.layout(measures: ["scs-sf.total", "phq9.total"], timepoints: ["pre", "post"], arms: ["CFT", "relaxation"])
        var lines: [String] = []
        try WideScoreExport.write([
            WideParticipantRow(studyCode: "S-01", arm: "relaxation", scores: ["scs-sf.total": ["pre": 2.5, "post": 3.25], "phq9.total": ["pre": 14]]),
            WideParticipantRow(studyCode: "S-02", arm: nil, scores: [:]),
        ], layout: layout) { lines.append($0) }
        #expect(lines == ["study_code,arm,scssf_total_pre,scssf_total_post,phq9_total_pre,phq9_total_post\r\n",
                          "S-01,2,2.5,3.25,14,\r\n", "S-02,,,,,\r\n"])
        #expect(throws: InputError(field: "rows[0].arm", value: "waitlist", expected: "one of the layout's arms: CFT, relaxation")) {
            try WideScoreExport.write([WideParticipantRow(studyCode: "S-03", arm: "waitlist", scores: [:])], layout: layout) { _ in }
        }
    }

    @Test("SPSS syntax reads the wide file and labels variables and arm codes")
    func spssSyntax() throws {
        let layout = try WideScoreExport.layout(measures: ["scs-sf.total"], timepoints: ["pre", "post"], arms: ["CFT", "Kim's group"],
                                                labels: ["scs-sf.total": "SCS-SF total"])
        var text = ""
        SPSSSyntax.write(layout: layout, csvFileName: "wide.csv") { text += $0 }
        #expect(text.contains("GET DATA\n  /TYPE=TXT\n  /FILE='wide.csv'\n"))
        #expect(text.contains("  /FIRSTCASE=2\n"))
        #expect(text.contains("    scssf_total_pre F40.0\n    scssf_total_post F40.0\n.\n"))
        #expect(text.contains("  /scssf_total_post 'SCS-SF total, post'."))
        #expect(text.contains("VALUE LABELS arm\n  1 'CFT'\n  2 'Kim''s group'."))
        #expect(!text.contains("MISSING VALUES "))
        #expect(text.hasSuffix("EXECUTE.\n"))
    }

    @Test("REDCap dictionary: the 18 columns, radio items with construct labels, read-only scores")
    func redcap() throws {
        let phq9 = try #require(Self.library.instrument("phq9"))
        var text = ""
        try REDCapDictionary.write(instruments: [phq9]) { text += $0 }
        let doc = try CSVDocument(parsing: text)
        #expect(doc.header.count == 18)
        #expect(doc.header.first == "Variable / Field Name" && doc.header.last == "Field Annotation")
        #expect(doc.rows[0].fields[0] == "record_id" && doc.rows[0].fields[1] == "phq9")
        let item1 = doc.rows[1].fields
        #expect(item1[0] == "phq9_1" && item1[3] == "radio" && item1[5] == "0, 0 | 1, 1 | 2, 2 | 3, 3" && item1[12] == "y")
        #expect(item1[4] == "Item 1: \(phq9.itemLabels![0])")
        #expect(doc.rows.filter { $0.fields[3] == "radio" }.count == 9)
        let total = try #require(doc.rows.first { $0.fields[0] == "phq9_total" })
        #expect(total.fields[7] == "number" && total.fields[8] == "0" && total.fields[9] == "27" && total.fields[17] == "@READONLY")
    }

    @Test("FHIR QuestionnaireResponse and Bundle are valid JSON with the R4 fields")
    func fhir() throws {
        let settings = FHIRExport.Settings(questionnaireBase: "https://tend.example.org/fhir/Questionnaire/",
                                           subjectSystem: "https://tend.example.org/studies/S1/participant")
        let a = QuestionnaireAnswers(studyCode: "S-01", instrument: "phq9", instrumentVersion: "1", authored: when,
                                     responses: [0, 1, nil, 3, 0, 0, 0, 2, 1])
        let object = try JSONSerialization.jsonObject(with: Data(FHIRExport.questionnaireResponseJSON(a, settings: settings).utf8)) as? [String: Any]
        let qr = try #require(object)
        #expect(qr["resourceType"] as? String == "QuestionnaireResponse")
        #expect(qr["status"] as? String == "completed")
        #expect(qr["questionnaire"] as? String == "https://tend.example.org/fhir/Questionnaire/phq9|1")
        #expect(qr["authored"] as? String == "2026-03-01T09:30:00Z")
        let subject = (qr["subject"] as? [String: Any])?["identifier"] as? [String: Any]
        #expect(subject?["value"] as? String == "S-01")
        let items = try #require(qr["item"] as? [[String: Any]])
        #expect(items.map { $0["linkId"] as? String } == ["1", "2", "4", "5", "6", "7", "8", "9"])
        let last = (items[7]["answer"] as? [[String: Any]])?.first?["valueInteger"] as? Int
        #expect(last == 1)

        var chunks: [String] = []
        FHIRExport.writeBundle([a, a], settings: settings) { chunks.append($0) }
        #expect(chunks.count == 4)
        let bundle = try #require(try JSONSerialization.jsonObject(with: Data(chunks.joined().utf8)) as? [String: Any])
        #expect(bundle["resourceType"] as? String == "Bundle" && bundle["type"] as? String == "collection")
        #expect((bundle["entry"] as? [[String: Any]])?.count == 2)
        var empty = ""
        FHIRExport.writeBundle([QuestionnaireAnswers](), settings: settings) { empty += $0 }
        #expect(((try JSONSerialization.jsonObject(with: Data(empty.utf8)) as? [String: Any])?["entry"] as? [Any])?.isEmpty == true)
    }

    @Test("A QuestionnaireResponse written directly is, byte for byte, its object serialised with sorted keys")
    func fhirTextIsTheSerialisedObject() throws {
        let awkward = ["S-01", "S\"02", "back\\slash", "a/b", "tab\there", "line\nbreak\r", "bell\u{07}\u{08}\u{0C}\u{1F}",
                       "caf\u{E9} \u{1F600}", "", "del\u{7F}", "sep\u{2028}"]
        for (k, text) in awkward.enumerated() {
            let settings = FHIRExport.Settings(questionnaireBase: "https://tend.example.org/fhir/Questionnaire",
                                               subjectSystem: "https://tend.example.org/studies/\(text)/participant")
            let responses: [[Int?]] = [[], [nil, nil], [0, 1, nil, 3, 12, -1], Array(repeating: 4, count: 30)]
            let a = QuestionnaireAnswers(studyCode: text, instrument: "phq9", instrumentVersion: "1.\(k)",
                                         authored: when.addingTimeInterval(Double(k) * 0.5), responses: responses[k % responses.count])
            let object = FHIRExport.questionnaireResponse(a, settings: settings)
            let serialised = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            #expect(FHIRExport.questionnaireResponseJSON(a, settings: settings) == String(decoding: serialised, as: UTF8.self),
                    "study code \(text.debugDescription)")
        }
    }
}

import Foundation
import Testing
@testable import TendCore
import TendResources

/// Wording packs are read from a fabricated FHIR Questionnaire whose text is invented for the test
/// ("Invented prompt k"); no published item wording appears here.
@Suite("Study reports: FHIR Questionnaire wording packs")
struct StudyReportsWordingPackTests {
    static let phq9 = try! InstrumentCatalog.builtIn().instrument("phq9")!

    static func questionnaire(linkIds: [String], texts: [String?]? = nil, resourceType: String = "Questionnaire",
                              options: [[String: Any]]? = nil) -> Data {
        var questions: [[String: Any]] = []
        for (i, id) in linkIds.enumerated() {
            var q: [String: Any] = ["linkId": id, "type": "choice"]
            if let text = texts.map({ $0[i] }) ?? "Invented prompt \(i + 1)" { q["text"] = text }
            if let options, i == 0 { q["answerOption"] = options }
            questions.append(q)
        }
        // The first three questions sit in a group, as questionnaires often nest them.
        let group: [String: Any] = ["linkId": "g1", "type": "group", "text": "Invented section", "item": Array(questions.prefix(3))]
        let root: [String: Any] = ["resourceType": resourceType, "url": "https://example.org/Questionnaire/made-up",
                                   "item": [group, ["linkId": "note", "type": "display", "text": "Invented note"]] + Array(questions.dropFirst(3))]
        return try! JSONSerialization.data(withJSONObject: root)
    }

    @Test("Reads every item by linkId, through groups, with answer labels")
    func reads() throws {
        let ids = (1...9).map { $0 == 2 ? "phq9.2" : $0 == 3 ? "phq9-3" : String($0) }
        let data = Self.questionnaire(linkIds: ids, options: [
            ["valueCoding": ["code": "0", "display": "Invented never"]], ["valueCoding": ["code": "3", "display": "Invented always"]]])
        let pack = try WordingPackReader.read(json: data, for: Self.phq9)
        #expect(pack.instrument == "phq9")
        #expect(pack.items.count == 9)
        #expect(pack.items[2] == "Invented prompt 2" && pack.items[9] == "Invented prompt 9")
        #expect(pack.answerLabels[1] == [0: "Invented never", 3: "Invented always"])
        #expect(pack.source == "https://example.org/Questionnaire/made-up")
    }

    @Test("A linkId outside the instrument is an error naming it")
    func unknownLinkId() {
        let data = Self.questionnaire(linkIds: (1...8).map(String.init) + ["10"])
        #expect(throws: InputError(field: "linkId \"10\"", value: "10", expected: "an item of phq9: 1…9, optionally prefixed \"phq9.\"")) {
            try WordingPackReader.read(json: data, for: Self.phq9)
        }
    }

    @Test("Missing items, duplicates, empty text and foreign resources are errors naming the field")
    func errors() {
        #expect(throws: InputError(field: "item", value: "8 of 9 items (missing linkId 9)", expected: "all 9 items of phq9")) {
            try WordingPackReader.read(json: Self.questionnaire(linkIds: (1...8).map(String.init)), for: Self.phq9)
        }
        #expect(throws: InputError(field: "linkId \"phq9.4\"", value: "item 4 again", expected: "each item once")) {
            try WordingPackReader.read(json: Self.questionnaire(linkIds: (1...9).map(String.init) + ["phq9.4"]), for: Self.phq9)
        }
        var texts: [String?] = (1...9).map { "Invented \($0)" }; texts[4] = "  "
        #expect(throws: InputError(field: "linkId \"5\".text", value: "missing or empty", expected: "the item's wording")) {
            try WordingPackReader.read(json: Self.questionnaire(linkIds: (1...9).map(String.init), texts: texts), for: Self.phq9)
        }
        #expect(throws: InputError(field: "resourceType", value: "\"QuestionnaireResponse\"", expected: "\"Questionnaire\"")) {
            try WordingPackReader.read(json: Self.questionnaire(linkIds: ["1"], resourceType: "QuestionnaireResponse"), for: Self.phq9)
        }
        #expect(throws: InputError(field: "linkId \"1\".answerOption[0].valueCoding.code", value: "7", expected: "a response value 0…3")) {
            try WordingPackReader.read(json: Self.questionnaire(linkIds: (1...9).map(String.init), options: [["valueCoding": ["code": "7"]]]),
                                       for: Self.phq9)
        }
    }
}

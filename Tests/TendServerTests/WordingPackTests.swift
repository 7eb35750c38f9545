import Fluent
import Foundation
import Testing
import TendCore
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Wording packs imported from FHIR Questionnaires")
struct WordingPackTests {
    /// A FHIR R4 Questionnaire for PHQ-9 with made-up wording (not the licensed text), linkIds "phq9.<k>".
    static func questionnaire(items: ClosedRange<Int> = 1...9, badCodeOnItem: Int? = nil) -> Data {
        let list: [[String: Any]] = items.map { k in
            [
                "linkId": "phq9.\(k)", "type": "choice", "text": "Test wording for item \(k)",
                "answerOption": (0...3).map { v in
                    ["valueCoding": ["code": k == badCodeOnItem && v == 0 ? "9" : String(v), "display": "Choice \(v)"]]
                },
            ]
        }
        let root: [String: Any] = ["resourceType": "Questionnaire", "url": "https://example.org/Questionnaire/phq9-test",
                                   "item": [["linkId": "g", "type": "group", "item": list]]]
        return try! JSONSerialization.data(withJSONObject: root)
    }

    @Test("An imported pack's wording and answer labels are shown instead of the construct label and its notice")
    func importedWordingShown() async throws {
        try await withTendApp { app in
            let imported = try await WordingPacks.importPack(data: Self.questionnaire(), instrument: nil, on: app.db, now: Date())
            #expect(imported == .init(instrument: "phq9", items: 9, replaced: false))
            let (user, browser, _) = try await QuestionnaireFixtures.participant(app)
            let row = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            let page = try await browser.get(QuestionnaireFixtures.path(row) + "?item=4")
            #expect(page.text.contains("Question 4: Test wording for item 4"))
            #expect(page.text.contains("2 – Choice 2"))
            #expect(!page.text.contains("official wording of this questionnaire is not installed"))
            #expect(!page.text.contains("low energy"))
        }
    }

    @Test("Importing again replaces the earlier pack")
    func reimportReplaces() async throws {
        try await withTendApp { app in
            _ = try await WordingPacks.importPack(data: Self.questionnaire(), instrument: "phq9", on: app.db, now: Date())
            let again = try await WordingPacks.importPack(data: Self.questionnaire(), instrument: "phq9", on: app.db, now: Date())
            #expect(again.replaced)
            #expect(try await WordingPackModel.query(on: app.db).count() == 1)
        }
    }

    @Test("A pack missing an item is refused, naming the missing linkId, and nothing is stored")
    func missingItem() async throws {
        try await withTendApp { app in
            await #expect {
                try await WordingPacks.importPack(data: Self.questionnaire(items: 1...8), instrument: "phq9", on: app.db, now: Date())
            } throws: { error in
                "\(error)".contains("missing linkId 9")
            }
            let stored = try await WordingPackModel.query(on: app.db).count()
            #expect(stored == 0)
        }
    }

    @Test("An answer code outside the response range is refused, naming the linkId and field")
    func badAnswerCode() async throws {
        try await withTendApp { app in
            await #expect {
                try await WordingPacks.importPack(data: Self.questionnaire(badCodeOnItem: 2), instrument: nil, on: app.db, now: Date())
            } throws: { error in
                let text = "\(error)"
                return text.contains("linkId \"phq9.2\".answerOption[0].valueCoding.code") && text.contains("0…3")
            }
        }
    }

    @Test("An unknown instrument id is refused with the ids that exist")
    func unknownInstrument() async throws {
        try await withTendApp { app in
            await #expect {
                try await WordingPacks.importPack(data: Self.questionnaire(), instrument: "phq10", on: app.db, now: Date())
            } throws: { error in
                "\(error)".contains("\"phq10\" is not in the library") && "\(error)".contains("phq9")
            }
        }
    }
}

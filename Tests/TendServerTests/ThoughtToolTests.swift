import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// `/my/thoughts`: the self-critical thought tool and the participant's own collection, with the diary
/// thoughts they ticked, newest first and searchable without regard to case or accents.
@Suite("Thought tool")
struct ThoughtToolTests {
    typealias F = ParticipantFixtures

    static let now = "2026-03-17T12:00:00Z"

    @Test("A thought record is saved, opens on its own page and shows in the collection")
    func saveAndOpen() async throws {
        try await withTendApp { app in
            let (_, _, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.now)
            let tool = try await sam.get("/my/thoughts")
            #expect(tool.status == .ok)
            #expect(tool.text.contains("Nothing here yet."))
            let saved = try await sam.post("/my/thoughts", [
                "thought": "I'm a burden to everyone", "situation": "Couldn't go to the café with friends",
                "criticFears": "Being left behind", "wise": "Pain limits me, that is not my fault", "strong": "Ask to meet at home",
                "caring": "You are still good company", "distressBefore": "8", "distressAfter": "5", "date": "2026-03-16",
            ])
            #expect(saved.status == .seeOther)
            let location = try #require(saved.location)
            #expect(location.hasPrefix("/my/thoughts/") && location.hasSuffix("?saved=1"))
            let page = try await sam.get(location)
            #expect(page.status == .ok)
            #expect(page.text.contains("A thought from Monday 16 March 2026"))
            #expect(page.text.contains("Ask to meet at home"))
            #expect(page.text.contains("8 out of 10 before, 5 out of 10 after"))
            let list = try await sam.get("/my/thoughts")
            #expect(list.text.contains("I&#39;m a burden to everyone") || list.text.contains("I'm a burden to everyone"))
            #expect(list.text.contains("Monday 16 March 2026. Answered"))
        }
    }

    @Test("Only the thought is required; a bad form keeps every answer and names the fields")
    func validationKeepsInput() async throws {
        try await withTendApp { app in
            let (_, _, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.now)
            try await sam.get("/my/thoughts")
            let response = try await sam.post("/my/thoughts", ["thought": "   ", "caring": "Be gentle", "distressBefore": "ten",
                                                               "distressAfter": "3"])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("The harsh thought: enter a few words."))
            #expect(response.text.contains("How upsetting before needs to be a whole number from 0 to 10. You entered “ten”."))
            #expect(response.text.contains("Be gentle</textarea>") && response.text.contains("value=\"ten\"") && response.text.contains("value=\"3\""))
            #expect(try await ThoughtRecordModel.query(on: app.db).count() == 0)
        }
    }

    @Test("The collection holds ticked diary thoughts, newest first, and search finds them ignoring case and accents")
    func searchIncludesDiaryThoughts() async throws {
        try await withTendApp { app in
            let (_, _, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.now)
            try await sam.get("/my/thoughts")
            try await sam.post("/my/thoughts", ["thought": "Nobody wants me around", "date": "2026-03-10"])
            try await sam.post("/my/thoughts", ["thought": "I should cope better", "caring": "Coping with pain is hard", "date": "2026-03-12"])
            try await sam.get("/my/diary")
            try await sam.post("/my/diary", ["date": "2026-03-15", "pain": "7", "criticalThought": "Je suis trop fragile",
                                             "addToCollection": "yes"])
            // A thought written in the diary without the tick stays private to the diary.
            try await sam.post("/my/diary", ["date": "2026-03-16", "pain": "5", "criticalThought": "Fragile again, unticked"])

            let all = try await sam.get("/my/thoughts")
            let order = ["Je suis trop fragile", "I should cope better", "Nobody wants me around"].map { all.text.range(of: $0)?.lowerBound }
            #expect(order.allSatisfy { $0 != nil })
            #expect(order[0]! < order[1]! && order[1]! < order[2]!, "newest first")
            #expect(all.text.contains("From your diary. Not answered yet."))
            #expect(!all.text.contains("unticked"))

            let found = try await sam.get("/my/thoughts?q=FRAGILÉ")
            #expect(found.text.contains("1 found for “FRAGILÉ”."))
            #expect(found.text.contains("Je suis trop fragile"))
            #expect(!found.text.contains("Nobody wants me around"))
            let answer = try await sam.get("/my/thoughts?q=coping+pain")
            #expect(answer.text.contains("I should cope better") && !answer.text.contains("Je suis trop fragile"))
            #expect(try await sam.get("/my/thoughts?q=holiday").text.contains("Nothing found for “holiday”."))

            // The diary thought opens on its own page and can be answered with the tool; then the record takes its place.
            let diaryID = try #require(try await DiaryEntryModel.query(on: app.db).filter(\.$inCollection == true).first()?.id)
                .uuidString.lowercased()
            let item = try await sam.get("/my/thoughts/" + diaryID)
            #expect(item.status == .ok)
            #expect(item.text.contains("You noticed this thought in your diary."))
            let prefilled = try await sam.get("/my/thoughts?from=" + diaryID)
            #expect(prefilled.text.contains("Je suis trop fragile</textarea>"))
            #expect(prefilled.text.contains("name=\"fromDiary\" value=\"\(diaryID)\""))
            let answered = try await sam.post("/my/thoughts", ["thought": "Je suis trop fragile", "wise": "Tired is not fragile",
                                                               "date": "2026-03-15", "fromDiary": diaryID])
            #expect(answered.status == .seeOther)
            #expect(try await sam.get("/my/thoughts/" + diaryID).status == .notFound)
            let after = try await sam.get("/my/thoughts?q=fragile")
            #expect(after.text.contains("1 found for “fragile”."))
            #expect(after.text.contains("Sunday 15 March 2026. Answered"))
        }
    }

    @Test("Another participant's thought ids give 404, and their collection is theirs alone")
    func otherParticipants() async throws {
        try await withTendApp { app in
            let (facilitator, group, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.now)
            let path = try await F.addAndInvite(facilitator, group: group, name: "Alex", code: "P-ALEX")
            let alex = try await F.join(app, path, email: "alex@example.org")
            try await sam.get("/my/thoughts")
            try await sam.post("/my/thoughts", ["thought": "Sam's secret thought"])
            try await sam.get("/my/diary")
            try await sam.post("/my/diary", ["pain": "4", "criticalThought": "Sam's diary thought", "addToCollection": "yes"])
            let recordID = try #require(try await ThoughtRecordModel.query(on: app.db).first()?.id).uuidString.lowercased()
            let diaryID = try #require(try await DiaryEntryModel.query(on: app.db).first()?.id).uuidString.lowercased()
            #expect(try await sam.get("/my/thoughts/" + recordID).status == .ok)
            #expect(try await sam.get("/my/thoughts/" + diaryID).status == .ok)

            #expect(try await alex.get("/my/thoughts/" + recordID).status == .notFound)
            #expect(try await alex.get("/my/thoughts/" + diaryID).status == .notFound)
            let alexList = try await alex.get("/my/thoughts?q=secret")
            #expect(!alexList.text.contains("secret thought"))
            let prefilled = try await alex.get("/my/thoughts?from=" + diaryID)
            #expect(!prefilled.text.contains("diary thought"))
            // Alex answering "from" Sam's diary thought leaves Sam's collection as it was.
            try await alex.post("/my/thoughts", ["thought": "My own", "fromDiary": diaryID])
            #expect(try await DiaryEntryModel.query(on: app.db).first()?.inCollection == true)
        }
    }
}

import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// Groups for self-paced programmes (weekly self-help, daily practice): a supported cohort with no
/// meetings, whose members each follow their own plan.
@Suite("Self-paced groups")
struct SelfPacedGroupTests {
    typealias F = ParticipantFixtures

    @Test("The new-group form offers programmes in every delivery mode")
    func everyModeOffered() async throws {
        try await withTendApp { app in
            let facilitator = try await Fixtures.signedIn(.facilitator, on: app)
            let page = try await facilitator.get("/groups/new")
            #expect(page.text.contains("value=\"compassionate-living-pain/eight-session\""))
            #expect(page.text.contains("value=\"self-compassion-four-week/four-week\""))
            #expect(page.text.contains("value=\"compassionate-mind-pain-online/three-week\""))
            #expect(page.text.contains("4 modules, self-paced: one a week on each person&#39;s chosen day"))
            #expect(page.text.contains("21 days of daily practice"))
        }
    }

    @Test("A weekly self-help cohort needs no meeting time or call link, and its page lists modules to preview")
    func weeklyCohort() async throws {
        try await withTendApp { app in
            let facilitator = try await Fixtures.signedIn(.facilitator, on: app)
            let id = try await F.createGroup(facilitator, F.selfHelpGroup)
            let group = try #require(try await GroupModel.find(id, on: app.db))
            #expect(group.programmeID == "self-compassion-four-week")
            #expect(group.callLink == "")
            #expect(group.startTime == "00:00")
            #expect(group.cohort?.suggestedWeekday == .monday)
            let path = "/groups/" + id.uuidString.lowercased()
            let page = try await facilitator.get(path)
            #expect(page.status == .ok)
            #expect(page.text.contains("Self-paced: one module a week on each person&#39;s chosen day, from 2026-03-02 at the earliest"))
            #expect(!page.text.contains("Video call"))
            #expect(!page.text.contains("Sessions and attendance"))
            for number in 1...4 { #expect(page.text.contains("href=\"\(path)/sessions/\(number)\"")) }
            #expect(page.text.contains("Module 1: Foundations of self-compassion"))
            let list = try await facilitator.get("/groups")
            #expect(list.text.contains("Self-paced, one module a week, from 2026-03-02"))

            // The roster works as for any group; a plan appears once the person joins.
            let added = try await facilitator.post(path + "/roster", ["displayName": "Ana", "studyCode": "SH-001"])
            #expect(added.status == .seeOther)
            #expect(try await facilitator.get(path).text.contains("Chosen when they join"))
        }
    }

    @Test("A daily-practice cohort without a weekday takes the start date's weekday")
    func dailyCohort() async throws {
        try await withTendApp { app in
            let facilitator = try await Fixtures.signedIn(.facilitator, on: app)
            let id = try await F.createGroup(facilitator, F.dailyGroup)
            let group = try #require(try await GroupModel.find(id, on: app.db))
            #expect(group.cohort?.suggestedWeekday == .monday)
            let page = try await facilitator.get("/groups/" + id.uuidString.lowercased())
            #expect(page.text.contains("a practice every day from each person&#39;s start date"))
            #expect(page.text.contains("2 days"))
            #expect(page.text.contains("11 days"))
        }
    }

    @Test("A self-paced cohort still needs a name, start date and a real time zone")
    func cohortValidation() async throws {
        try await withTendApp { app in
            let facilitator = try await Fixtures.signedIn(.facilitator, on: app)
            try await facilitator.get("/groups/new")
            var form = F.selfHelpGroup
            form["name"] = ""
            form["startDate"] = ""
            form["timeZone"] = ""
            let response = try await facilitator.post("/groups", form)
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("Enter a name for the group"))
            #expect(response.text.contains("Enter the date the group starts"))
            #expect(response.text.contains("Enter the time zone most people in the group live in"))
            #expect(!response.text.contains("Enter the time the group meets"))
            #expect(!response.text.contains("Enter the link participants use"))
            #expect(try await GroupModel.query(on: app.db).count() == 0)
        }
    }
}

import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// The participant home gathers everything between sessions into one section, in a fixed order.
@Suite("Between sessions on the participant home")
struct ParticipantHomeBetweenTests {
    typealias F = ParticipantFixtures

    @Test("One section holds the tools, then check-ins, notifications and reminders, then My data; what is new is said in words")
    func oneOrderedSection() async throws {
        try await withTendApp { app in
            let (staff, group, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-04T09:00:00Z")
            var home = try await sam.get("/").text
            let start = try #require(home.range(of: "<section class=\"panel\" aria-labelledby=\"between-heading\">"))
            let end = try #require(home.range(of: "</section>", range: start.upperBound..<home.endIndex))
            let section = String(home[start.lowerBound..<end.upperBound])
            let order = ["/my/practice", "/my/diary", "/my/thoughts", "/my/pacer", "/my/check-ins", "/my/notifications",
                         "/my/reminders", "/my/data"]
            let positions = try order.map { path in try #require(section.range(of: "href=\"\(path)\"")?.lowerBound, "\(path) in the section") }
            #expect(positions == positions.sorted(), "links in the calm order")
            for path in order {
                #expect(home.components(separatedBy: "href=\"\(path)\"").count == 2, "\(path) is linked once on the page")
            }
            #expect(!section.contains("New: "))
            #expect(section.contains("<h3>Practice and look after yourself</h3>") && section.contains("<h3>Keep in touch</h3>"))

            let member = try await F.memberID(app, code: "P-SAM")
            try await F.write(staff, F.conversationPath(group, member), "Hello Sam")
            home = try await sam.get("/").text
            #expect(home.contains("<strong>New: </strong>1 new message from your facilitator; 1 new notification."))
            #expect(home.contains("Check-ins with your facilitator</a>: 1 new message"))
            #expect(home.contains("Notifications (1 new)"))
        }
    }

    @Test("The home's one-statement summary counts exactly what the notification list and check-ins count")
    func summaryAgreesWithTheLists() async throws {
        try await withTendApp { app in
            let (staff, group, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-04T09:00:00Z")
            let path = try await F.memberID(app, code: "P-SAM")
            let member = try #require(UUID(uuidString: path))
            let samID = try #require(try await UserModel.query(on: app.db).filter(\.$email == "sam@example.org").first()?.id)
            var summary = try await HomeSummary.read(user: samID, member: member, now: app.clock.now, on: app.db)
            #expect(summary == HomeSummary(), "nothing unread, no study, no questionnaire")
            try await F.write(staff, F.conversationPath(group, path), "Hello Sam")
            try await F.write(staff, F.conversationPath(group, path), "How was the week?")
            _ = try await sam.get("/")
            summary = try await HomeSummary.read(user: samID, member: member, now: app.clock.now, on: app.db)
            #expect(summary.unreadCheckIns == 2)
            #expect(summary.unreadCheckIns == (try await CheckInController.unreadForParticipant(member, on: app.db)))
            #expect(summary.unreadNotifications == (try await Notifier.unreadCount(user: samID, now: app.clock.now, on: app.db)))
            #expect(summary.unreadNotifications >= 1)
            let nobody = try await HomeSummary.read(user: UUID(), member: nil, now: app.clock.now, on: app.db)
            #expect(nobody == HomeSummary())
        }
    }
}

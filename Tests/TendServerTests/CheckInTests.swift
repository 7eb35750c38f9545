import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

extension ParticipantFixtures {
    /// The roster member id of the participant with `code`.
    static func memberID(_ app: Application, code: String) async throws -> String {
        let member = try #require(try await RosterMemberModel.query(on: app.db).filter(\.$studyCode == code).first())
        return member.id!.uuidString.lowercased()
    }

    static func groupPath(_ group: UUID) -> String { "/groups/" + group.uuidString.lowercased() }

    static func conversationPath(_ group: UUID, _ member: String) -> String { groupPath(group) + "/members/" + member + "/check-ins" }

    /// Opens the page first (for its CSRF token), then posts `message` to it.
    @discardableResult
    static func write(_ browser: Browser, _ path: String, _ message: String) async throws -> TestingHTTPResponse {
        try await browser.get(path)
        return try await browser.post(path, ["message": message])
    }
}

/// Check-ins: a participant's conversation with their facilitator, who may read it, and notifications.
@Suite("Check-ins between a participant and their facilitator")
struct CheckInTests {
    typealias F = ParticipantFixtures

    @Test("A participant writes, the facilitator reads and replies; unread messages are marked in words and cleared once seen")
    func sendReplyUnreadRead() async throws {
        try await withTendApp { app in
            let (staff, group, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-04T09:00:00Z")
            let member = try await F.memberID(app, code: "P-SAM")
            let empty = try await sam.get("/my/check-ins")
            #expect(empty.status == .ok)
            #expect(empty.text.contains("No messages yet"))
            #expect(empty.text.contains("Up to 2,000 characters."))

            let sent = try await F.write(sam, "/my/check-ins", "The breathing practice was hard this week")
            #expect(sent.status == .seeOther)
            #expect(sent.location == "/my/check-ins#latest")
            #expect(try await sam.get("/my/check-ins").text.contains("The breathing practice was hard this week"))

            let list = try await staff.get(F.groupPath(group) + "/check-ins")
            #expect(list.status == .ok)
            #expect(list.text.contains("1 unread message; waiting for a reply since 4 Mar 2026, 09:00 UTC."))

            let first = try await staff.get(F.conversationPath(group, member))
            #expect(first.status == .ok)
            #expect(first.text.contains("The breathing practice was hard this week"))
            #expect(first.text.contains("New. "))
            let second = try await staff.get(F.conversationPath(group, member))
            #expect(!second.text.contains("New. "), "seen once, no longer new")
            #expect(try await staff.get(F.groupPath(group) + "/check-ins").text.contains("No unread messages; waiting for a reply"))
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .checkInsViewed).count() == 2)

            let reply = try await staff.post(F.conversationPath(group, member), ["message": "Thank you for telling me. Shall we talk on Tuesday?"])
            #expect(reply.status == .seeOther)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .checkInReplied).count() == 1)

            let home = try await sam.get("/")
            #expect(home.text.contains("href=\"/my/check-ins\""))
            #expect(home.text.contains("1 new message"))
            let unread = try await sam.get("/my/check-ins")
            #expect(unread.text.contains("Thank you for telling me. Shall we talk on Tuesday?"))
            #expect(unread.text.contains("New. "))
            #expect(unread.text.contains("1 new message"))
            let read = try await sam.get("/my/check-ins")
            #expect(!read.text.contains("New. "))
            #expect(!(try await sam.get("/").text.contains("new message")))
            #expect(try await staff.get(F.groupPath(group) + "/check-ins").text.contains("No unread messages; last message"))
        }
    }

    @Test("An empty or over-long message is refused with a message naming the field, and the text is kept")
    func emptyAndLongRefused() async throws {
        try await withTendApp { app in
            let (staff, group, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-04T09:00:00Z")
            let blank = try await F.write(sam, "/my/check-ins", "   \n ")
            #expect(blank.status == .unprocessableEntity)
            #expect(blank.text.contains("Write your message before sending it"))
            #expect(blank.text.contains("href=\"#message\""))
            #expect(blank.text.contains("aria-invalid=\"true\""))

            let long = String(repeating: "word ", count: 400) + "end"
            let refused = try await sam.post("/my/check-ins", ["message": long])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("Message must be 2,000 characters or fewer; this one has 2003"))
            #expect(refused.text.contains(long), "the text typed is kept")

            let member = try await F.memberID(app, code: "P-SAM")
            let staffBlank = try await F.write(staff, F.conversationPath(group, member), "")
            #expect(staffBlank.status == .unprocessableEntity)
            #expect(staffBlank.text.contains("Write your message before sending it"))
            #expect(try await CheckInMessageModel.query(on: app.db).count() == 0)
        }
    }

    @Test("A participant reaches only their own conversation, whatever ids they send")
    func participantCannotReachAnother() async throws {
        try await withTendApp { app in
            let (staff, group, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-04T09:00:00Z")
            let path = try await F.addAndInvite(staff, group: group, name: "Alex", code: "P-ALEX")
            let alex = try await F.join(app, path, email: "alex@example.org")
            try await F.write(alex, "/my/check-ins", "Alex private words")
            let alexMember = try await F.memberID(app, code: "P-ALEX")
            let samMember = try await F.memberID(app, code: "P-SAM")

            #expect(!(try await sam.get("/my/check-ins").text.contains("Alex private words")))
            #expect(try await sam.get(F.conversationPath(group, alexMember)).status == .forbidden)
            #expect(try await sam.get(F.groupPath(group) + "/check-ins").status == .forbidden)
            let forged = try await sam.post("/my/check-ins", ["message": "Sam writes", "member": alexMember, "group": UUID().uuidString])
            #expect(forged.status == .seeOther)
            let stored = try #require(try await CheckInMessageModel.query(on: app.db).filter(\.$body == "Sam writes").first())
            #expect(stored.$member.id.uuidString.lowercased() == samMember)
            #expect(try await sam.post(F.conversationPath(group, alexMember), ["message": "into Alex's"]).status == .forbidden)
            #expect(try await CheckInMessageModel.query(on: app.db).filter(\.$member.$id == UUID(uuidString: alexMember)!).count() == 1)
        }
    }

    @Test("A facilitator of another group gets 404 on every check-in and overview page; an admin may see them")
    func otherFacilitatorNotFound() async throws {
        try await withTendApp { app in
            let (_, group, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-04T09:00:00Z")
            try await F.write(sam, "/my/check-ins", "Only for my facilitator")
            let member = try await F.memberID(app, code: "P-SAM")
            let other = try await F.signIn(try await Fixtures.user(.facilitator, email: "other@example.org", on: app), on: app)
            try await other.get("/groups")
            let g = F.groupPath(group)
            for path in [g + "/check-ins", F.conversationPath(group, member), g + "/overview", g + "/flag-settings"] {
                #expect(try await other.get(path).status == .notFound, "GET \(path)")
            }
            #expect(try await other.post(F.conversationPath(group, member), ["message": "hello"]).status == .notFound)
            #expect(try await other.post(g + "/flag-settings", ["quietDays": "3"]).status == .notFound)
            #expect(try await other.post(g + "/flags/\(UUID().uuidString.lowercased())/acknowledge", ["note": "x"]).status == .notFound)
            #expect(try await CheckInMessageModel.query(on: app.db).count() == 1)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .checkInsViewed).count() == 0)

            let admin = try await Fixtures.signedIn(.admin, on: app)
            let page = try await admin.get(F.conversationPath(group, member))
            #expect(page.status == .ok)
            #expect(page.text.contains("Only for my facilitator"))
        }
    }

    @Test("Researchers never reach check-ins or the overview")
    func researcherRefused() async throws {
        try await withTendApp { app in
            let (_, group, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-04T09:00:00Z")
            try await F.write(sam, "/my/check-ins", "Not for research eyes")
            let member = try await F.memberID(app, code: "P-SAM")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let g = F.groupPath(group)
            for path in [g + "/check-ins", F.conversationPath(group, member), g + "/overview", g + "/flag-settings", "/my/check-ins"] {
                let response = try await researcher.get(path)
                #expect(response.status == .forbidden, "GET \(path)")
                #expect(!response.text.contains("Not for research eyes"))
            }
        }
    }

    @Test("Notifications say a message is waiting and link to it, never the text; a burst gives one per 15 minutes")
    func notificationsWithoutTextDeduplicated() async throws {
        try await withTendApp { app in
            let (staff, group, sam, hand) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-04T09:00:00Z")
            let member = try await F.memberID(app, code: "P-SAM")
            let facilitator = try #require(try await UserModel.query(on: app.db).filter(\.$role == .facilitator).first())
            try await F.write(sam, "/my/check-ins", "Secret one about my doses")
            try await sam.post("/my/check-ins", ["message": "Secret two"])
            hand.set(F.instant("2026-03-04T09:14:00Z"))
            try await sam.post("/my/check-ins", ["message": "Secret three"])
            var items = try await OutboxItemModel.query(on: app.db).all()
            #expect(items.count == 1, "three messages in one window, one notification")
            let first = try #require(items.first)
            #expect(first.recipient == facilitator.email)
            #expect(first.channel == .email)
            #expect(first.body.contains("http://127.0.0.1:8080" + F.conversationPath(group, member)))
            for secret in ["Secret", "doses", "Sam"] {
                #expect(!first.body.contains(secret) && !first.subject.contains(secret), "\(secret) leaked")
            }

            hand.set(F.instant("2026-03-04T09:16:00Z"))
            try await sam.post("/my/check-ins", ["message": "Secret four"])
            items = try await OutboxItemModel.query(on: app.db).all()
            #expect(items.count == 2, "a new window, a new notification")

            try await F.write(staff, F.conversationPath(group, member), "Private reply about your doses")
            try await staff.post(F.conversationPath(group, member), ["message": "And another"])
            // Sam chose no channels: told in the app only, once for both replies, without the text.
            #expect(try await OutboxItemModel.query(on: app.db).filter(\.$recipient == "sam@example.org").count() == 0)
            let samID = try #require(try await UserModel.query(on: app.db).filter(\.$email == "sam@example.org").first()?.id)
            let toSam = try await NotificationModel.query(on: app.db).filter(\.$user.$id == samID).all()
            #expect(toSam.count == 1)
            let note = try #require(toSam.first)
            #expect(note.link == "/my/check-ins")
            #expect(note.text == "Your facilitator has written to you.")
            #expect(note.dedupeKey.hasPrefix("check-in:to-participant:" + member))
        }
    }

    @Test("A reply reaches the participant through their chosen channels: by e-mail, held until their quiet hours end, deduplicated, without the text")
    func replyFollowsChannelChoices() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let (staff, group, sam, hand) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-04T09:00:00Z")
            let member = try await F.memberID(app, code: "P-SAM")
            try await sam.get("/my/reminders")
            let chosen = try await sam.post("/my/reminders", ReminderFixtures.form([
                "email": "on", "quietStart": "21:00", "quietEnd": "08:00",
            ]))
            #expect(chosen.status == .seeOther)
            try await F.travel(hand, to: "2026-03-04T22:10:00Z", staff)
            try await F.write(staff, F.conversationPath(group, member), "Private reply about your doses")
            try await staff.post(F.conversationPath(group, member), ["message": "And another"])

            let mail = try await OutboxItemModel.query(on: app.db).filter(\.$recipient == "sam@example.org").all()
            #expect(mail.count == 1, "two replies in one window, one e-mail")
            let email = try #require(mail.first)
            #expect(email.channel == .email)
            #expect(email.dueAt == F.instant("2026-03-04T22:10:00Z"))
            #expect(email.nextAttemptAt == F.instant("2026-03-05T08:00:00Z"), "held until Sam's quiet hours end (London, GMT)")
            #expect(email.body.contains("http://127.0.0.1:8080/my/check-ins"))
            for secret in ["Private reply", "doses", "another"] {
                #expect(!email.body.contains(secret) && !email.subject.contains(secret), "\(secret) leaked")
            }
            #expect(email.dedupeKey.hasPrefix("check-in:to-participant:" + member) && email.dedupeKey.hasSuffix(":email"))
            let samID = try #require(try await UserModel.query(on: app.db).filter(\.$email == "sam@example.org").first()?.id)
            #expect(try await NotificationModel.query(on: app.db).filter(\.$user.$id == samID).count() == 1, "and once in the app")
        }
    }
}

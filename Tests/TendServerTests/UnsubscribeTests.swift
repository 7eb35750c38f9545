import Fluent
import SQLKit
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("One-click unsubscribe links")
struct UnsubscribeTests {
    private func setUp(_ app: Application) async throws -> (user: UUID, secret: String) {
        let (_, _, participant, _) = try await ParticipantFixtures.enrolled(app, group: ParticipantFixtures.meetingGroup,
                                                                            joinedAt: "2026-03-01T10:00:00Z")
        try await participant.get("/my/reminders")
        try await participant.post("/my/reminders", ReminderFixtures.form([
            "weekday6": "on", "weekday7": "on", "practiceTime": "08:00", "email": "on", "meetingHourBefore": "on",
        ]))
        let row = try #require(try await ReminderPreferenceModel.query(on: app.db).first())
        return (row.$user.id, row.unsubscribeSecret)
    }

    @Test("The link in a reminder asks first, then turns that kind off without signing in, and cancels what was planned")
    func unsubscribes() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let (user, _) = try await setUp(app)
            try await ReminderPlanner.run(on: app.db, now: ParticipantFixtures.instant("2026-03-28T06:00:00Z"), baseURL: app.tend.baseURL)
            let body = try #require(try await OutboxItemModel.query(on: app.db).filter(\.$dedupeKey ~~ "practice:").first()?.body)
            let start = try #require(body.range(of: "http://127.0.0.1:8080/unsubscribe/")).lowerBound
            let path = String(body[start...].prefix { !$0.isWhitespace }.dropFirst("http://127.0.0.1:8080".count))
            #expect(path.hasPrefix("/unsubscribe/\(user.uuidString.lowercased()).practice."))

            let stranger = Browser(app)
            let confirm = try await stranger.get(path)
            #expect(confirm.status == .ok)
            #expect(confirm.text.contains("Stop practice reminders?"))
            #expect(confirm.text.contains("action=\"\(path)\""))
            let done = try await stranger.post(path, [:], csrf: "")
            #expect(done.status == .ok)
            #expect(done.text.contains("You will get no more practice reminders."))
            let row = try #require(try await ReminderPreferenceModel.query(on: app.db).first())
            #expect(row.weekdays == "")
            #expect(row.meetingLeads == "hour-before")
            #expect(try await OutboxItemModel.query(on: app.db).filter(\.$dedupeKey ~~ "practice:").count() == 0)
            #expect(try await NotificationModel.query(on: app.db).filter(\.$dedupeKey ~~ "practice:").count() == 0)
        }
    }

    @Test("A tampered token, another kind or another person's id with this signature: not found, nothing changed")
    func tampered() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let (user, secret) = try await setUp(app)
            let good = UnsubscribeToken.make(user: user, kind: .practice, secret: secret)
            let signature = String(good.split(separator: ".")[2])
            let flipped = String(good.dropLast()) + (good.last == "A" ? "B" : "A")
            let otherKind = user.uuidString.lowercased() + ".meeting." + signature
            let otherUser = UUID().uuidString.lowercased() + ".practice." + signature
            let forged = UnsubscribeToken.make(user: user, kind: .practice, secret: "guessed")
            let browser = Browser(app)
            for token in [flipped, otherKind, otherUser, forged, "nonsense", user.uuidString.lowercased() + ".practice."] {
                #expect(try await browser.get("/unsubscribe/" + token).status == .notFound, "GET \(token)")
                #expect(try await browser.post("/unsubscribe/" + token, [:], csrf: "").status == .notFound, "POST \(token)")
            }
            let row = try #require(try await ReminderPreferenceModel.query(on: app.db).first())
            #expect(row.weekdays == "6,7")
            #expect(row.meetingLeads == "hour-before")
            #expect(try await browser.get("/unsubscribe/" + good).status == .ok)
        }
    }

    @Test("Reminder e-mails carry List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) with the same link")
    func listUnsubscribeHeaders() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let (user, _) = try await setUp(app)
            try await ReminderPlanner.run(on: app.db, now: ParticipantFixtures.instant("2026-03-28T06:00:00Z"), baseURL: app.tend.baseURL)
            let claimed = try await Outbox.claim(limit: 10, channels: [.email], worker: "test",
                                                 now: ParticipantFixtures.instant("2026-03-28T08:00:00Z"), on: app.db as! any SQLDatabase)
            let message = try #require(claimed.first)
            let url = try #require(message.listUnsubscribe)
            #expect(url.hasPrefix("http://127.0.0.1:8080/unsubscribe/\(user.uuidString.lowercased()).practice."))
            #expect(message.body.contains(url))
            let mail = SMTPSender(settings: SMTPSettings(host: "127.0.0.1", port: 2525, from: "reminders@example.org"))
                .mail(for: message, date: ParticipantFixtures.instant("2026-03-28T08:00:00Z"))
            let data = String(decoding: mail.rendered(eightBitAllowed: true).data, as: UTF8.self)
            #expect(data.contains("\r\nList-Unsubscribe: <\(url)>\r\n"))
            #expect(data.contains("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"))
        }
    }
}

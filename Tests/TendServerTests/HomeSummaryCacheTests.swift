import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// The participant home's counts are reused between views, but never past a change this server made.
@Suite("Home summary cache")
struct HomeSummaryCacheTests {
    typealias F = ParticipantFixtures

    @Test("With caching on, a reply, a read and a notification show on the very next view of the home")
    func changesShowAtOnce() async throws {
        try await withTendApp({ $0.readCacheLifetime = 30 }) { app in
            let (staff, group, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-04T09:00:00Z")
            let member = try await F.memberID(app, code: "P-SAM")
            var home = try await sam.get("/").text
            #expect(!home.contains("New: "))
            #expect(!(try await sam.get("/").text).contains("New: "), "a second view, from the cache, says the same")

            try await F.write(staff, F.conversationPath(group, member), "Hello Sam")
            home = try await sam.get("/").text
            #expect(home.contains("<strong>New: </strong>1 new message from your facilitator; 1 new notification."))

            _ = try await sam.get("/my/check-ins")
            home = try await sam.get("/").text
            #expect(home.contains("<strong>New: </strong>1 new notification."), "the message was read on the check-ins page")

            _ = try await sam.get("/my/notifications")
            home = try await sam.get("/").text
            #expect(!home.contains("New: "), "the notification was read too")

            // A write by any code in this process, even plain SQL, is seen.
            let samID = try #require(try await UserModel.query(on: app.db).filter(\.$email == "sam@example.org").first()?.id)
            let notification = try #require(try await NotificationModel.query(on: app.db).filter(\.$user.$id == samID).first())
            try await (app.db as! any SQLDatabase).raw("UPDATE notifications SET read_at = NULL WHERE id = \(bind: notification.requireID())").run()
            home = try await sam.get("/").text
            #expect(home.contains("<strong>New: </strong>1 new notification."))
        }
    }

    @Test("Only a finished write to a watched table moves the count; reads and writes to other tables do not")
    func whatCounts() async throws {
        try await withTendApp { app in
            let changes = app.readCaches.tableChanges
            let home = HomeSummary.tables
            let sql = app.db as! any SQLDatabase
            let user = try await Fixtures.user(.participant, on: app)
            var seen = changes.generation(of: home)

            _ = try await NotificationModel.query(on: app.db).count()
            _ = try await sql.raw("SELECT COUNT(*) AS n FROM notifications").all()
            try await UserModel.query(on: app.db).filter(\.$id == user.requireID()).set(\.$name, to: "Renamed").update()
            #expect(changes.generation(of: home) == seen, "reads and writes elsewhere leave it alone")

            try await sql.raw("DELETE FROM notifications WHERE user_id = \(bind: user.requireID())").run()
            #expect(changes.generation(of: home) > seen, "plain SQL naming the table")
            seen = changes.generation(of: home)

            try await NotificationModel.query(on: app.db).filter(\.$user.$id == user.requireID()).set(\.$readAt, to: Date()).update()
            #expect(changes.generation(of: home) > seen, "a Fluent update of the model")
            seen = changes.generation(of: home)

            try await app.db.transaction { db in
                try await (db as! any SQLDatabase).raw("DELETE FROM check_in_messages WHERE author = 'nobody'").run()
                let inside = changes.generation(of: home)
                try await (db as! any SQLDatabase).raw("SELECT 1").run()
                #expect(changes.generation(of: home) == inside)
            }
            #expect(changes.generation(of: home) >= seen + 2, "once for the statement, once more when the transaction ends")

            // Each table has its own count: a medicine changes the medicine list's, not the home's.
            seen = changes.generation(of: home)
            let medicines = changes.generation(of: [MedicineModel.schema])
            try await MedicineModel(userID: user.requireID(), name: "Codeine 30 mg", unit: "tablet").create(on: app.db)
            #expect(changes.generation(of: home) == seen)
            #expect(changes.generation(of: [MedicineModel.schema]) == medicines + 1)
        }
    }

    @Test("A cached summary is for one roster place: a participant moved to another group is read again")
    func keyedByMember() async throws {
        try await withTendApp({ $0.readCacheLifetime = 30 }) { app in
            let user = UUID()
            let summary = try await HomeSummary.cached(user: user, member: nil, now: app.clock.now, on: Request(application: app, on: app.eventLoopGroup.any()))
            #expect(summary == HomeSummary())
            let cached = try #require(app.readCaches.homeSummaries.value(for: .init(user: user, member: nil)))
            #expect(cached.generation == app.readCaches.tableChanges.generation(of: HomeSummary.tables))
            let elsewhere = HomeSummary.Key(user: user, member: UUID())
            app.readCaches.homeSummaries.set(.init(value: HomeSummary(unreadNotifications: 7), generation: cached.generation), for: elsewhere)
            let moved = try await HomeSummary.cached(user: user, member: elsewhere.member, now: app.clock.now,
                                                     on: Request(application: app, on: app.eventLoopGroup.any()))
            #expect(moved == HomeSummary(unreadNotifications: 7), "the summary kept for that roster place")
            let again = try await HomeSummary.cached(user: user, member: nil, now: app.clock.now, on: Request(application: app, on: app.eventLoopGroup.any()))
            #expect(again == HomeSummary(), "a summary kept for another roster place is not used")
        }
    }

    @Test("With caching on, a medicine just added can be given doses in the very next diary save")
    func medicineListFollowsChanges() async throws {
        try await withTendApp({ $0.readCacheLifetime = 30 }) { app in
            let (_, _, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-04T09:00:00Z")
            try await sam.get("/my/diary")
            #expect(try await sam.post("/my/diary", ["pain": "4", "mood": "5", "craving": "2"]).status == .seeOther)
            try await sam.get("/my/diary/medicines")
            #expect(try await sam.post("/my/diary/medicines", ["name": "Methadone", "unit": "ml"]).status == .seeOther)
            let medicine = try #require(try await MedicineModel.query(on: app.db).first())
            let field = "dose-" + (try medicine.requireID()).uuidString.lowercased()
            try await sam.get("/my/diary")
            let saved = try await sam.post("/my/diary", ["pain": "4", "mood": "5", "craving": "2", field: "30"])
            #expect(saved.status == .seeOther, "the cached list already has the new medicine")
            #expect(try await DiaryDoseModel.query(on: app.db).count() == 1)
            #expect(try await sam.post("/my/diary/medicines/\(try medicine.requireID().uuidString.lowercased())/remove", [:]).status == .seeOther)
            try await sam.get("/my/diary")
            let refused = try await sam.post("/my/diary", ["pain": "4", "mood": "5", "craving": "2", field: "30"])
            #expect(refused.status == .unprocessableEntity, "a removed medicine takes no more doses")
        }
    }
}

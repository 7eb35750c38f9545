import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// The admin's outbox page: counts by status, masked dead letters, and the audited retry button.
@Suite("Outbox admin page", .serialized)
struct OutboxAdminTests {
    /// Three messages: one sent, one pending, one dead after eight tries.
    static func seed(on app: Application) async throws -> UUID {
        let due = Date(timeIntervalSince1970: 1_795_471_200)
        let ids = try await OutboxFixtures.enqueue(3, due: due, on: app.db)
        let sql = app.db as! any SQLDatabase
        try await sql.raw("UPDATE outbox_items SET status = 'sent', attempts = 1 WHERE id = \(bind: ids[0])").run()
        try await sql.raw("""
            UPDATE outbox_items SET status = 'dead', attempts = 8, last_error = 'SMTP 451 at RCPT TO' WHERE id = \(bind: ids[2])
            """).run()
        return ids[2]
    }

    @Test("The page shows counts by status and dead letters with the address masked")
    func page() async throws {
        try await withTendApp { app in
            _ = try await Self.seed(on: app)
            let admin = try await Fixtures.signedIn(.admin, on: app)
            #expect(try await admin.get("/").text.contains("href=\"/admin/outbox\""), "linked from the dashboard")
            let response = try await admin.get("/admin/outbox")
            #expect(response.status == .ok)
            let page = response.text
            #expect(page.contains("<h1>Reminders and notifications</h1>"))
            for (status, count) in [("pending", 1), ("claimed", 0), ("sent", 1), ("dead", 1)] {
                #expect(page.contains("data-status=\"\(status)\">\(count)</dd>"), "count for \(status)")
            }
            #expect(page.contains("p•••@example.org"))
            #expect(!page.contains("person2@example.org"), "the full address is never shown")
            #expect(!page.contains("person1@example.org"))
            #expect(page.contains("SMTP 451 at RCPT TO"))
            #expect(page.contains("23 Nov 2026, 22:00 UTC"))
            #expect(page.contains(">8</td>"))
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .outboxViewed).count() == 1)
        }
    }

    @Test("Retry puts a dead letter back in the queue, is audited, and says so")
    func retry() async throws {
        try await withTendApp { app in
            let id = try await Self.seed(on: app)
            let admin = try await Fixtures.signedIn(.admin, on: app)
            try await admin.get("/admin/outbox")
            let path = "/admin/outbox/\(id.uuidString.lowercased())/retry"
            let response = try await admin.post(path, [:])
            #expect(response.status == .seeOther)
            #expect(response.location == "/admin/outbox?result=retried")
            let item = try await OutboxFixtures.item(id, on: app.db)
            #expect(item.status == .pending)
            #expect(item.attempts == 0)
            #expect(item.lastError == nil)
            let events = try await AuditEventModel.query(on: app.db).filter(\.$action == .outboxRetried).all()
            #expect(events.count == 1)
            #expect(events.first?.subjectKind == .outboxItem)
            #expect(events.first?.subjectID == id)
            let page = try await admin.get(response.location!)
            #expect(page.text.contains("The message is back in the queue"))
            #expect(page.text.contains("data-status=\"dead\">0</dd>"))

            // A second click changes nothing and says why.
            let again = try await admin.post(path, [:])
            #expect(again.location == "/admin/outbox?result=unchanged")
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .outboxRetried).count() == 1)
            #expect(try await admin.get(again.location!).text.contains("nothing changed"))
        }
    }

    @Test("Retry without the CSRF token is refused and changes nothing")
    func retryNeedsCSRF() async throws {
        try await withTendApp { app in
            let id = try await Self.seed(on: app)
            let admin = try await Fixtures.signedIn(.admin, on: app)
            let response = try await admin.post("/admin/outbox/\(id.uuidString.lowercased())/retry", [:], csrf: "")
            #expect(response.status == .forbidden)
            #expect(try await OutboxFixtures.item(id, on: app.db).status == .dead)
        }
    }

    @Test("Only admins reach the outbox", arguments: [Role.facilitator, .researcher, .participant])
    func onlyAdmins(role: Role) async throws {
        try await withTendApp { app in
            let id = try await Self.seed(on: app)
            let browser = try await Fixtures.signedIn(role, on: app)
            #expect(try await browser.get("/admin/outbox").status == .forbidden)
            #expect(try await browser.post("/admin/outbox/\(id.uuidString.lowercased())/retry", [:]).status == .forbidden)
            #expect(try await OutboxFixtures.item(id, on: app.db).status == .dead)
            let anonymous = Browser(app)
            #expect(try await anonymous.get("/admin/outbox").status == .found)
        }
    }

    @Test("An unknown or malformed id answers 404")
    func unknownItem() async throws {
        try await withTendApp { app in
            let admin = try await Fixtures.signedIn(.admin, on: app)
            try await admin.get("/admin/outbox")
            #expect(try await admin.post("/admin/outbox/not-a-uuid/retry", [:]).status == .notFound)
            let unknown = try await admin.post("/admin/outbox/\(UUID().uuidString.lowercased())/retry", [:])
            #expect(unknown.location == "/admin/outbox?result=unchanged")
        }
    }

    @Test("Masking keeps the first character and the domain, or the ends of a phone number")
    func masking() {
        #expect(OutboxPages.mask("alex@example.org", channel: .email) == "a•••@example.org")
        #expect(OutboxPages.mask("+447700900123", channel: .webhook) == "+4•••23")
        #expect(OutboxPages.mask("12345", channel: .webhook) == "•••")
    }
}

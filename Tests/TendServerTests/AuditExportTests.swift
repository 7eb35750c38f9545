import Fluent
import Foundation
import TendCore
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Audit trail export as CSV")
struct AuditExportTests {
    @Test("Admins download the whole trail as CSV, oldest first, by ids and roles only; the download is audited")
    func export() async throws {
        try await withTendApp { app in
            let admin = try await Fixtures.signedIn(.admin, on: app)
            try await admin.post("/admin/invitations", ["email": "ines@example.org", "role": "researcher"])
            try await admin.get("/admin/audit")
            let before = try await AuditEventModel.query(on: app.db).count()

            let response = try await admin.get("/admin/audit.csv")
            #expect(response.status == .ok)
            #expect(response.headers.first(name: .contentType) == "text/csv; charset=utf-8")
            #expect(response.headers.first(name: .contentDisposition)?.hasPrefix("attachment; filename=\"tend-audit-") == true)
            #expect(response.headers.first(name: .cacheControl) == "no-store")
            let document = try CSVDocument(parsing: response.text)
            #expect(document.header == AuditExportController.header)
            #expect(document.rows.count == before + 1, "every event, and the export itself")
            let actions = document.rows.map { $0.fields[1] }
            #expect(actions.first == AuditAction.signedIn.rawValue)
            #expect(actions.contains(AuditAction.invitationCreated.rawValue))
            #expect(actions.last == AuditAction.auditTrailExported.rawValue)
            let adminID = try #require(try await UserModel.query(on: app.db).filter(\.$role == .admin).first()?.requireID())
            let last = try #require(document.rows.last)
            #expect(last.fields[3] == adminID.uuidString.lowercased())
            #expect(last.fields[4] == "admin")
            #expect(last.fields[0].hasSuffix("Z"))
            for personal in ["ines@example.org", "admin@example.org", "Test Administrator"] {
                #expect(!response.text.contains(personal), "the export carries no \(personal)")
            }
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .auditTrailExported).count() == 1)
            #expect(try await admin.get("/admin/audit").text.contains("href=\"/admin/audit.csv\""))
        }
    }

    @Test("The export streams past one batch and keeps every row")
    func manyRows() async throws {
        try await withTendApp { app in
            let admin = try await Fixtures.signedIn(.admin, on: app)
            let start = Date(timeIntervalSince1970: 1_700_000_000)
            try await app.db.transaction { db in
                for index in 0..<(AuditExportController.batchSize * 2 + 17) {
                    try await AuditLog.record(.participantRecordViewed, actor: nil, subject: .participant(UUID()), on: db,
                                              at: start.addingTimeInterval(TimeInterval(index)))
                }
            }
            let total = try await AuditEventModel.query(on: app.db).count()
            let document = try CSVDocument(parsing: try await admin.get("/admin/audit.csv").text)
            #expect(document.rows.count == total + 1)
            let ids = document.rows.compactMap { $0.fields[6].isEmpty ? nil : $0.fields[6] }
            #expect(Set(ids).count == ids.count, "no row is repeated across batches")
            let times = document.rows.map { $0.fields[0] }
            #expect(times == times.sorted(), "oldest first")
        }
    }

    @Test("CSV records quote commas, quotes and line breaks, and end with CRLF")
    func escaping() throws {
        let line = AuditExportController.line(["plain", "a,b", "say \"hi\"", "two\nlines", ""])
        #expect(line == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n")
        let parsed = try CSVDocument(parsing: "h1,h2,h3,h4,h5\r\n" + line)
        #expect(parsed.rows.first?.fields == ["plain", "a,b", "say \"hi\"", "two\nlines", ""])
    }

    @Test("Only admins may export")
    func adminsOnly() async throws {
        try await withTendApp { app in
            for role in [Role.facilitator, .researcher, .participant] {
                let browser = try await Fixtures.signedIn(role, on: app)
                #expect(try await browser.get("/admin/audit.csv").status == .forbidden)
            }
            let visitor = try await Browser(app).get("/admin/audit.csv")
            #expect(visitor.status == .found)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .auditTrailExported).count() == 0)
        }
    }
}

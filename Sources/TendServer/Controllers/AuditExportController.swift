import Fluent
import Foundation
import TendCore
import Vapor

/// `/admin/audit.csv`: the whole audit trail as CSV, oldest first, streamed in batches.
///
/// Columns: `occurred_at` (ISO 8601, UTC), `action` (the stored code), `description`, `actor_id`,
/// `actor_role`, `subject_kind`, `subject_id`. Like the trail itself it holds ids, roles and codes
/// only: no names, e-mail addresses or free text. Each download is itself audited first.
struct AuditExportController: RouteCollection {
    static let batchSize = 500
    static let header = ["occurred_at", "action", "description", "actor_id", "actor_role", "subject_kind", "subject_id"]

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(RequireRole(.admin)).get(SiteURL.adminAuditExport.pathComponents, use: export)
    }

    @Sendable
    func export(req: Request) async throws -> Response {
        guard let admin = req.user else { throw PageError.forbidden }
        let now = req.now
        try await AuditLog.record(.auditTrailExported, actor: admin, on: req.db, at: now)
        let database = req.db
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"tend-audit-\(Self.day(now)).csv\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        let body = Response.Body(managedAsyncStream: { writer in
            try await writer.writeBuffer(ByteBuffer(string: Self.line(Self.header)))
            var offset = 0
            while true {
                let events = try await AuditEventModel.query(on: database)
                    .sort(\.$occurredAt, .ascending)
                    .sort(\.$id, .ascending)
                    .range(offset..<(offset + Self.batchSize))
                    .all()
                if events.isEmpty { break }
                try await writer.writeBuffer(ByteBuffer(string: events.map { Self.line(Self.fields(of: $0)) }.joined()))
                if events.count < Self.batchSize { break }
                offset += events.count
            }
        })
        return Response(status: .ok, headers: headers, body: body)
    }

    static func fields(of event: AuditEventModel) -> [String] {
        [
            JSONLogHandler.timestamp(event.occurredAt),
            event.action.rawValue,
            event.action.summary,
            event.$actor.id.map { $0.uuidString.lowercased() } ?? "",
            event.actorRole?.rawValue ?? "",
            event.subjectKind?.rawValue ?? "",
            event.subjectID.map { $0.uuidString.lowercased() } ?? "",
        ]
    }

    /// One CSV record (RFC 4180: quoted when needed, quotes doubled, CRLF line end).
    static func line(_ fields: [String]) -> String {
        fields.map(\.csvEscaped).joined(separator: ",") + "\r\n"
    }

    static func day(_ date: Date) -> String {
        String(JSONLogHandler.timestamp(date).prefix(10))
    }
}

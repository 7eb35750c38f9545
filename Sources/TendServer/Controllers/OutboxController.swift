import Fluent
import Foundation
import Vapor

/// The admin's view of reminder delivery: how many messages are in each state, the dead letters, and
/// putting one back in the queue.
struct OutboxController: RouteCollection {
    /// Dead letters shown on the page, newest due first.
    static let deadLetterLimit = 100

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(RequireRole(.admin))
        admin.get(SiteURL.adminOutbox.pathComponents, use: show)
        admin.post(SiteURL.adminOutboxRetry(.key).pathComponents, use: retry)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        guard let user = req.user, let viewer = req.viewer else { throw PageError.forbidden }
        let counts = try await Outbox.counts(on: req.db)
        let dead = try await Outbox.deadLetters(limit: Self.deadLetterLimit + 1, on: req.db)
        try await AuditLog.record(.outboxViewed, actor: user, on: req.db)
        let rows = dead.prefix(Self.deadLetterLimit).compactMap { item -> OutboxPages.DeadLetter? in
            guard let id = item.id else { return nil }
            return OutboxPages.DeadLetter(id: id, channel: item.channel, recipient: OutboxPages.mask(item.recipient, channel: item.channel),
                                          due: item.dueAt, attempts: item.attempts, lastError: item.lastError)
        }
        let notice = (try? req.query.get(String.self, at: "result")).flatMap(OutboxPages.Notice.init(rawValue:))
        return .html(OutboxPages.page(viewer: viewer, counts: counts, deadLetters: rows, hasMore: dead.count > Self.deadLetterLimit,
                                      notice: notice, csrf: CSRF.token(for: req)))
    }

    @Sendable
    func retry(req: Request) async throws -> Response {
        guard let user = req.user else { throw PageError.forbidden }
        guard let raw = req.parameters.get(SiteURL.outboxItemKey), let id = UUID(uuidString: raw) else { throw PageError.notFound() }
        let retried = try await req.db.transaction { db -> Bool in
            guard try await Outbox.retryDead(id, now: Date(), on: db) else { return false }
            try await AuditLog.record(.outboxRetried, actor: user, subject: .outboxItem(id), on: db)
            return true
        }
        let notice: OutboxPages.Notice = retried ? .retried : .unchanged
        return .seeOther(SiteURL.adminOutbox.path + "?result=" + notice.rawValue)
    }
}

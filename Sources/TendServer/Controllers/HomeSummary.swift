import Fluent
import Foundation
import SQLKit
import TendCore
import Vapor

/// What a participant's home needs to know besides their programme, in one statement: unread
/// notifications, unread check-in replies, whether they are in a study (only then is consent looked
/// up), and how many of their questionnaires are not yet submitted (only then are they read and
/// brought up to date). The same counts as ``Notifier/unreadCount(user:now:on:)`` and
/// ``CheckInController/unreadForParticipant(_:on:)``; most participants are in no study and have no
/// questionnaire open, and their home page then costs this one read.
///
/// The read is reused (``cached(user:member:now:on:)``) until one of the four tables it counts changes in
/// this process, or `TEND_CACHE_SECONDS` pass: a participant who opens their home again and again, or a
/// crowd of them, costs the database nothing more, and anything they or anyone else here sends or reads
/// shows at once.
struct HomeSummary: Sendable, Equatable {
    var unreadNotifications = 0
    var unreadCheckIns = 0
    var inStudy = false
    var openQuestionnaires = 0

    /// The tables the counts come from.
    static let tables = ["notifications", "check_in_messages", "study_screenings", "questionnaire_assignments"]

    /// What a read is for: the account and its roster place (a participant moved to another group is read again).
    struct Key: Hashable, Sendable {
        var user: UUID
        var member: UUID?
    }

    /// The counts for `user`, reused from an earlier read when no watched table has changed since.
    static func cached(user: UUID, member: UUID?, now: Date, on request: Request) async throws -> HomeSummary {
        let caches = request.application.readCaches
        return try await caches.homeSummaries.value(for: Key(user: user, member: member), whileUnchanged: tables,
                                                    in: caches.tableChanges) {
            try await read(user: user, member: member, now: now, on: request.db)
        }
    }

    static func read(user: UUID, member: UUID?, now: Date, on database: any Database) async throws -> HomeSummary {
        guard let sql = database as? any SQLDatabase else { throw Abort(.internalServerError) }
        let staff = CheckInMessage.Author.staff.rawValue
        let row = try await sql.raw("""
            SELECT \
            (SELECT COUNT(*) FROM notifications WHERE user_id = \(bind: user) AND created_at <= \(bind: now) AND read_at IS NULL) AS notifications, \
            (SELECT COUNT(*) FROM check_in_messages WHERE roster_member_id = \(bind: member) AND author = \(bind: staff) AND read_at IS NULL) AS check_ins, \
            (SELECT COUNT(*) FROM study_screenings WHERE user_id = \(bind: user)) AS screenings, \
            (SELECT COUNT(*) FROM questionnaire_assignments WHERE user_id = \(bind: user) AND submitted_at IS NULL) AS questionnaires
            """).first()
        guard let row else { return HomeSummary() }
        return HomeSummary(unreadNotifications: try row.decode(column: "notifications", as: Int.self),
                           unreadCheckIns: try row.decode(column: "check_ins", as: Int.self),
                           inStudy: try row.decode(column: "screenings", as: Int.self) > 0,
                           openQuestionnaires: try row.decode(column: "questionnaires", as: Int.self))
    }
}

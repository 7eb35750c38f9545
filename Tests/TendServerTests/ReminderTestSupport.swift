import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
@testable import TendServer

/// Apps with e-mail and a text-message webhook configured (so the form offers both) and no background
/// worker or planner: the tests run the planner themselves.
enum ReminderFixtures {
    static func configure(_ configuration: inout ServerConfiguration) {
        configuration.outbox.workerEnabled = false
        configuration.outbox.smtp = SMTPSettings(host: "127.0.0.1", port: 2525, from: "reminders@example.org")
        configuration.outbox.webhook = WebhookSettings(url: URL(string: "https://sms.example.org/send")!)
    }

    /// A reminder form with everything off but what `fields` sets.
    static func form(_ fields: [String: String]) -> [String: String] {
        var form = ["practiceTime": "19:00", "timeZone": "Europe/London", "quietStart": "", "quietEnd": "", "phone": ""]
        for (key, value) in fields { form[key] = value }
        return form
    }

    static func user(email: String, on app: Application) async throws -> UUID {
        try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first()?.id)
    }

    struct OutboxRow: Equatable {
        var key: String
        var status: String
        var dueAt: Date
        var nextAttemptAt: Date
        var body: String
    }

    static func outbox(on app: Application) async throws -> [OutboxRow] {
        try await OutboxItemModel.query(on: app.db).sort(\.$dedupeKey).all().map {
            OutboxRow(key: $0.dedupeKey, status: $0.status.rawValue, dueAt: $0.dueAt, nextAttemptAt: $0.nextAttemptAt, body: $0.body)
        }
    }

    static func notifications(on app: Application) async throws -> [NotificationModel] {
        try await NotificationModel.query(on: app.db).sort(\.$dedupeKey).all()
    }
}

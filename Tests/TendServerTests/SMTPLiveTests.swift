import Fluent
import Foundation
import Testing
import Vapor
@testable import TendServer

/// The port of the real SMTP server `.ci/smtp-tests.sh` started, if any.
private let liveSMTPPort: Int? = ProcessInfo.processInfo.environment["TEND_TEST_SMTP_PORT"].flatMap { Int($0) }

/// The SMTP client against a real SMTP server (aiosmtpd) on loopback. Runs only when
/// TEND_TEST_SMTP_PORT is set: `.ci/smtp-tests.sh` starts the server, runs this, and checks what arrived.
@Suite("SMTP against a real server", .enabled(if: liveSMTPPort != nil, "needs TEND_TEST_SMTP_PORT (bash .ci/smtp-tests.sh)"))
struct SMTPLiveTests {

    /// What `.ci/smtp-tests.sh` expects to find, in order of the dedupe keys.
    static let messages: [(subject: String, body: String)] = [
        ("Tend live 1: practice reminder", "Time for your breathing practice.\nTake it gently."),
        ("Tend live 2: dot line", "Before the dot\n.\nAfter the dot"),
        ("Tend live 3: Übung für heute 🌿", "Schön, dass du da bist.\nÀ bientôt."),
        ("Tend live 4: group meets today", "Your group meets at 18:30.\n\nThe link is on your home page."),
        ("Tend live 5: check-in reply", String(repeating: "A long line of text. ", count: 60)),
    ]

    @Test("Five messages go through the worker to the server, one connection, all marked sent")
    func deliversToRealServer() async throws {
        let port = try #require(liveSMTPPort)
        try await withTendApp { app in
            let due = Date().addingTimeInterval(-5)
            for (index, message) in Self.messages.enumerated() {
                try await Outbox.enqueue(NewOutboxMessage(channel: .email, recipient: "participant\(index + 1)@example.org",
                                                          subject: message.subject, body: message.body,
                                                          dedupeKey: "live:\(index + 1)", dueAt: due), on: app.db)
            }
            let settings = SMTPSettings(host: "127.0.0.1", port: port, from: "reminders@tend.example.org",
                                        heloName: "tend.example.org", connectTimeout: .seconds(5), replyTimeout: .seconds(10))
            let worker = OutboxFixtures.worker(app, senders: [.email: SMTPSender(settings: settings)], batchSize: 10)
            let result = try await worker.drain()
            #expect(result.sent == 5)
            #expect(result.failed == 0 && result.dead == 0)
            #expect(try await OutboxFixtures.count(.sent, on: app.db) == 5)
        }
    }
}

import Crypto
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
@testable import TendServer

/// The webhook sender against a real HTTP server on loopback.
@Suite("Webhook sender")
struct WebhookSenderTests {
    struct Received: Sendable {
        var body: Data
        var signature: String?
        var timestamp: String?
        var contentType: String?
    }

    /// Starts an HTTP server on a free loopback port that records each POST to /hook and answers 503
    /// when the subject asks for it; runs `body` with the hook's URL.
    static func withHook(_ body: (URL, NIOLockedValueBox<[Received]>) async throws -> Void) async throws {
        let received = NIOLockedValueBox<[Received]>([])
        let app = try await Application.make(.testing)
        app.logger.logLevel = .error
        app.post("hook") { req -> Response in
            let data = Data(buffer: req.body.data ?? ByteBuffer())
            received.withLockedValue {
                $0.append(Received(body: data, signature: req.headers.first(name: WebhookSender.signatureHeader),
                                   timestamp: req.headers.first(name: WebhookSender.timestampHeader),
                                   contentType: req.headers.first(name: .contentType)))
            }
            let payload = try JSONDecoder().decode(WebhookSender.Payload.self, from: data)
            return Response(status: payload.subject == "fail" ? .serviceUnavailable : .accepted)
        }
        do {
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(app.http.server.shared.localAddress?.port)
            try await body(URL(string: "http://127.0.0.1:\(port)/hook")!, received)
        } catch {
            await app.server.shutdown()
            try? await app.asyncShutdown()
            throw error
        }
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    static func message(_ subject: String) -> OutboxMessage {
        OutboxMessage(id: UUID(), channel: .webhook, recipient: "+447700900123", subject: subject, body: "Your group meets at 18:30 today.", attempts: 0)
    }

    @Test("Each message is POSTed as JSON with an HMAC-SHA256 signature the gateway can check; non-2xx fails")
    func postsSignedJSON() async throws {
        try await Self.withHook { url, received in
            let sender = WebhookSender(settings: WebhookSettings(url: url, secret: "s3cret"))
            let ok = Self.message("Group today")
            let failing = Self.message("fail")
            let outcomes = await sender.send([ok, failing], shouldStop: { false })
            #expect(outcomes[ok.id] == .sent)
            #expect(outcomes[failing.id] == .failed("webhook HTTP 503"))

            let requests = received.withLockedValue { $0 }
            #expect(requests.count == 2)
            let first = try #require(requests.first)
            #expect(first.contentType == "application/json")
            let payload = try JSONDecoder().decode(WebhookSender.Payload.self, from: first.body)
            #expect(payload == .init(to: "+447700900123", subject: "Group today", body: "Your group meets at 18:30 today.",
                                     id: ok.id.uuidString.lowercased()))
            // Verify as the gateway would: HMAC over "<timestamp>.<raw body>".
            let timestamp = try #require(first.timestamp)
            var signed = Data(timestamp.utf8)
            signed.append(UInt8(ascii: "."))
            signed.append(first.body)
            let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data("s3cret".utf8)))
            #expect(first.signature == "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
            #expect(abs((Double(timestamp) ?? 0) - Date().timeIntervalSince1970) < 60)
        }
    }

    @Test("Without a secret no signature is sent; a refused connection is a failure, not a crash")
    func unsignedAndUnreachable() async throws {
        try await Self.withHook { url, received in
            let sender = WebhookSender(settings: WebhookSettings(url: url))
            let message = Self.message("Hello")
            #expect(await sender.send([message], shouldStop: { false })[message.id] == .sent)
            #expect(received.withLockedValue { $0.first?.signature } == nil)
        }
        // Nothing listens on port 9 of loopback.
        let sender = WebhookSender(settings: WebhookSettings(url: URL(string: "http://127.0.0.1:9/hook")!, timeout: .seconds(5)))
        let message = Self.message("Hello")
        let outcome = await sender.send([message], shouldStop: { false })[message.id]
        guard case .failed(let reason, false)? = outcome else { Issue.record("expected a failure, got \(String(describing: outcome))"); return }
        #expect(reason.hasPrefix("webhook"))
        #expect(!reason.contains("+44"))
    }

    @Test("`tend serve` runs a worker with the app: started at boot, delivering, stopped at shutdown")
    func workerRunsWithTheApp() async throws {
        try await Self.withHook { url, received in
            try await withTendApp({ configuration in
                configuration.outbox = OutboxConfiguration(webhook: WebhookSettings(url: url), pollInterval: 0.05)
            }) { app in
                try await Outbox.enqueue(NewOutboxMessage(channel: .webhook, recipient: "+447700900123", subject: "Group today",
                                                          body: "Your group meets at 18:30.", dedupeKey: "group:1", dueAt: Date()),
                                         on: app.db)
                #expect(OutboxLifecycle.worker(of: app) == nil, "not before boot")
                try await app.asyncBoot()
                let worker = try #require(OutboxLifecycle.worker(of: app))
                let deadline = Date().addingTimeInterval(20)
                while try await OutboxFixtures.count(.sent, on: app.db) < 1, Date() < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(try await OutboxFixtures.count(.sent, on: app.db) == 1)
                #expect(received.withLockedValue { $0.count } == 1)
                // What the app's shutdown runs (the app itself is shut down by the test harness).
                await OutboxLifecycle().shutdownAsync(app)
                #expect(worker.isStopping)
                #expect(OutboxLifecycle.worker(of: app) == nil)
            }
        }
    }

    @Test("With TEND_OUTBOX_WORKER off, `tend serve` delivers nothing itself")
    func workerOff() async throws {
        try await withTendApp({ configuration in
            configuration.outbox = OutboxConfiguration(workerEnabled: false, webhook: WebhookSettings(url: URL(string: "http://127.0.0.1:9/")!))
        }) { app in
            try await app.asyncBoot()
            #expect(OutboxLifecycle.worker(of: app) == nil)
        }
    }

    @Test("A stopping worker's sender stops between messages")
    func stopsBetweenMessages() async throws {
        try await Self.withHook { url, received in
            let sender = WebhookSender(settings: WebhookSettings(url: url))
            let messages = (0..<3).map { Self.message("Message \($0)") }
            let outcomes = await sender.send(messages, shouldStop: { received.withLockedValue { $0.count } >= 1 })
            #expect(outcomes.count == 1)
            #expect(received.withLockedValue { $0.count } == 1)
        }
    }
}

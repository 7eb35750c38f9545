import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
import Vapor
@testable import TendServer

/// A scripted SMTP server on loopback, enough to test the client's side of the conversation.
final class FakeSMTPServer: Sendable {
    struct Options: Sendable {
        var pipelining = false
        var eightBitMIME = true
        var auth = false
        /// Close the connection instead of answering the DATA of this message number (1-based).
        var dropAtMessage: Int?
    }

    struct Received: Sendable, Equatable {
        var mailFrom: String
        var rcptTo: String
        /// The message as delivered: lines joined by CRLF, dot-stuffing undone.
        var data: String
    }

    let options: Options
    private let state = NIOLockedValueBox<(commands: [String], received: [Received], connections: Int)>(([], [], 0))
    private let server: NIOAsyncChannel<NIOAsyncChannel<String, ByteBuffer>, Never>
    private let task: Task<Void, Never>

    var port: Int { server.channel.localAddress?.port ?? 0 }
    var commands: [String] { state.withLockedValue { $0.commands } }
    var received: [Received] { state.withLockedValue { $0.received } }
    var connections: Int { state.withLockedValue { $0.connections } }

    init(_ options: Options = Options()) async throws {
        self.options = options
        server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineDecoder()))
                    return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let server = self.server
        let state = self.state
        task = Task {
            try? await server.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in inbound {
                        state.withLockedValue { $0.connections += 1 }
                        group.addTask { try? await Self.converse(connection, options: options, state: state) }
                    }
                }
            }
        }
    }

    func stop() async {
        try? await server.channel.close()
        await task.value
    }

    private static func converse(_ connection: NIOAsyncChannel<String, ByteBuffer>, options: Options,
                                 state: NIOLockedValueBox<(commands: [String], received: [Received], connections: Int)>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            func say(_ text: String) async throws { try await outbound.write(ByteBuffer(string: text + "\r\n")) }
            try await say("220 fake.example.org ESMTP")
            var mailFrom = "", rcptTo = "", dataLines: [String]? = nil, messages = 0
            for try await line in inbound {
                if var lines = dataLines {
                    if line == "." {
                        state.withLockedValue { $0.received.append(Received(mailFrom: mailFrom, rcptTo: rcptTo, data: lines.joined(separator: "\r\n"))) }
                        dataLines = nil
                        try await say("250 2.0.0 queued")
                    } else {
                        lines.append(line.hasPrefix(".") ? String(line.dropFirst()) : line)
                        dataLines = lines
                    }
                    continue
                }
                state.withLockedValue { $0.commands.append(line) }
                let upper = line.uppercased()
                if upper.hasPrefix("EHLO") {
                    var features = ["fake.example.org"]
                    if options.eightBitMIME { features.append("8BITMIME") }
                    if options.pipelining { features.append("PIPELINING") }
                    if options.auth { features.append("AUTH LOGIN PLAIN") }
                    for (index, feature) in features.enumerated() {
                        try await say("250" + (index == features.count - 1 ? " " : "-") + feature)
                    }
                } else if upper.hasPrefix("AUTH PLAIN ") {
                    let expected = Data("\0tend\0pa55".utf8).base64EncodedString()
                    try await say(line.dropFirst(11) == expected ? "235 2.7.0 ok" : "535 5.7.8 bad credentials")
                } else if upper.hasPrefix("MAIL FROM:") {
                    mailFrom = String(line.dropFirst(10))
                    try await say("250 2.1.0 ok")
                } else if upper.hasPrefix("RCPT TO:") {
                    rcptTo = String(line.dropFirst(8))
                    if rcptTo.contains("unknown") {
                        try await say("550 5.1.1 <\(rcptTo)> no such user")
                        rcptTo = ""
                    } else if rcptTo.contains("busy") {
                        try await say("451 4.3.0 try later")
                        rcptTo = ""
                    } else {
                        try await say("250 2.1.5 ok")
                    }
                } else if upper == "DATA" {
                    messages += 1
                    if options.dropAtMessage == messages { return }
                    if rcptTo.isEmpty {
                        try await say("554 5.5.1 no valid recipients")
                    } else {
                        dataLines = []
                        try await say("354 go ahead")
                    }
                } else if upper == "RSET" {
                    mailFrom = ""
                    rcptTo = ""
                    try await say("250 2.0.0 ok")
                } else if upper == "QUIT" {
                    try await say("221 2.0.0 bye")
                    return
                } else {
                    try await say("502 5.5.2 unknown command")
                }
            }
        }
    }

    /// Lines without their CRLF.
    struct LineDecoder: ByteToMessageDecoder {
        typealias InboundOut = String
        mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
            guard let index = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return .needMoreData }
            var bytes = buffer.readBytes(length: index - buffer.readerIndex + 1)!
            while let last = bytes.last, last == 10 || last == 13 { bytes.removeLast() }
            context.fireChannelRead(wrapInboundOut(String(decoding: bytes, as: UTF8.self)))
            return .continue
        }
    }
}

@Suite("SMTP client")
struct SMTPClientTests {
    static func settings(port: Int, auth: Bool = false) -> SMTPSettings {
        SMTPSettings(host: "127.0.0.1", port: port, from: "reminders@tend.example.org", username: auth ? "tend" : nil,
                     password: auth ? "pa55" : nil, heloName: "tend.example.org", connectTimeout: .seconds(5), replyTimeout: .seconds(5))
    }

    static func message(_ recipient: String, subject: String = "Practice reminder", body: String = "Breathe gently.\n.\nSee you soon.") -> OutboxMessage {
        OutboxMessage(id: UUID(), channel: .email, recipient: recipient, subject: subject, body: body, attempts: 0)
    }

    @Test("A batch goes over one connection: EHLO, MAIL/RCPT/DATA per message, RSET between, QUIT", arguments: [false, true])
    func batchOnOneConnection(pipelining: Bool) async throws {
        let server = try await FakeSMTPServer(.init(pipelining: pipelining))
        let sender = SMTPSender(settings: Self.settings(port: server.port))
        let messages = ["ann@example.org", "bo@example.org", "cy@example.org"].map { Self.message($0) }
        let outcomes = await sender.send(messages, shouldStop: { false })
        await server.stop()
        #expect(messages.allSatisfy { outcomes[$0.id] == .sent })
        #expect(server.connections == 1)
        #expect(server.commands == [
            "EHLO tend.example.org",
            "MAIL FROM:<reminders@tend.example.org>", "RCPT TO:<ann@example.org>", "DATA",
            "RSET", "MAIL FROM:<reminders@tend.example.org>", "RCPT TO:<bo@example.org>", "DATA",
            "RSET", "MAIL FROM:<reminders@tend.example.org>", "RCPT TO:<cy@example.org>", "DATA",
            "QUIT",
        ])
        #expect(server.received.map(\.rcptTo) == ["<ann@example.org>", "<bo@example.org>", "<cy@example.org>"])
        let first = try #require(server.received.first)
        #expect(first.data.contains("Message-ID: <\(messages[0].id.uuidString.lowercased())@tend.example.org>\r\n"))
        #expect(first.data.hasSuffix("\r\n\r\nBreathe gently.\r\n.\r\nSee you soon."), "dot-stuffing undone by the server gives the body back")
    }

    @Test("A refused recipient fails that message only: 5xx for good, 4xx to retry", arguments: [false, true])
    func refusedRecipient(pipelining: Bool) async throws {
        let server = try await FakeSMTPServer(.init(pipelining: pipelining))
        let sender = SMTPSender(settings: Self.settings(port: server.port))
        let messages = ["unknown@example.org", "busy@example.org", "ok@example.org"].map { Self.message($0) }
        let outcomes = await sender.send(messages, shouldStop: { false })
        await server.stop()
        #expect(outcomes[messages[0].id] == .failed(reason: "SMTP 550 at RCPT TO", permanent: true))
        #expect(outcomes[messages[1].id] == .failed(reason: "SMTP 451 at RCPT TO", permanent: false))
        #expect(outcomes[messages[2].id] == .sent)
        #expect(server.received.map(\.rcptTo) == ["<ok@example.org>"])
        #expect(server.connections == 1)
    }

    @Test("A UTF-8 body is announced with BODY=8BITMIME when the server takes it")
    func eightBitMIME() async throws {
        let server = try await FakeSMTPServer(.init(eightBitMIME: true))
        let sender = SMTPSender(settings: Self.settings(port: server.port))
        let message = Self.message("ann@example.org", subject: "Übung heute", body: "Schön, dass du da bist.")
        #expect(await sender.send([message], shouldStop: { false })[message.id] == .sent)
        await server.stop()
        #expect(server.commands.contains("MAIL FROM:<reminders@tend.example.org> BODY=8BITMIME"))
        let data = try #require(server.received.first?.data)
        #expect(data.contains("Content-Transfer-Encoding: 8bit\r\n"))
        #expect(data.contains("Subject: =?UTF-8?B?"))
        #expect(data.hasSuffix("Schön, dass du da bist."))
    }

    @Test("AUTH PLAIN is used when credentials are set, and refused credentials fail the batch")
    func authentication() async throws {
        let server = try await FakeSMTPServer(.init(auth: true))
        let good = SMTPSender(settings: Self.settings(port: server.port, auth: true))
        let message = Self.message("ann@example.org")
        #expect(await good.send([message], shouldStop: { false })[message.id] == .sent)
        var wrong = Self.settings(port: server.port, auth: true)
        wrong.password = "nope"
        let other = Self.message("bo@example.org")
        #expect(await SMTPSender(settings: wrong).send([other], shouldStop: { false })[other.id] == .failed("SMTP 535 at AUTH"))
        await server.stop()
        #expect(server.received.count == 1)

        let plain = try await FakeSMTPServer(.init(auth: false))
        let third = Self.message("cy@example.org")
        let outcome = await SMTPSender(settings: Self.settings(port: plain.port, auth: true)).send([third], shouldStop: { false })
        await plain.stop()
        #expect(outcome[third.id] == .failed("SMTP server offers no AUTH PLAIN"), "credentials are not sent to a server that does not ask")
        #expect(!plain.commands.contains { $0.hasPrefix("AUTH") })
    }

    @Test("No server: every message fails with a reason that names no address")
    func connectionRefused() async throws {
        let server = try await FakeSMTPServer()
        let port = server.port
        await server.stop()
        let messages = [Self.message("ann@example.org"), Self.message("bo@example.org")]
        let outcomes = await SMTPSender(settings: Self.settings(port: port)).send(messages, shouldStop: { false })
        #expect(messages.allSatisfy { outcomes[$0.id] == .failed("SMTP connection failed") })
    }

    @Test("A connection lost mid-batch fails the message in hand and leaves the rest untried")
    func connectionLost() async throws {
        let server = try await FakeSMTPServer(.init(dropAtMessage: 2))
        let messages = ["ann@example.org", "bo@example.org", "cy@example.org"].map { Self.message($0) }
        let outcomes = await SMTPSender(settings: Self.settings(port: server.port)).send(messages, shouldStop: { false })
        await server.stop()
        #expect(outcomes[messages[0].id] == .sent)
        #expect(outcomes[messages[1].id] == .failed("SMTP connection closed or timed out"))
        #expect(outcomes[messages[2].id] == nil)
    }

    @Test("A stop request ends the batch between messages")
    func stopsBetweenMessages() async throws {
        let server = try await FakeSMTPServer()
        let messages = ["ann@example.org", "bo@example.org", "cy@example.org"].map { Self.message($0) }
        let outcomes = await SMTPSender(settings: Self.settings(port: server.port))
            .send(messages, shouldStop: { server.received.count >= 1 })
        await server.stop()
        #expect(outcomes.count == 1)
        #expect(server.commands.last == "QUIT")
    }

    @Test("An address that cannot be written into RCPT TO is dead-lettered without a connection")
    func unusableAddress() async {
        let message = Self.message("ann@example.org>\r\nRCPT TO:<eve@example.org")
        let outcome = await SMTPSender(settings: Self.settings(port: 9)).send([message], shouldStop: { false })
        #expect(outcome[message.id] == .failed(reason: "recipient is not a usable e-mail address", permanent: true))
    }

    @Test("The worker delivers the outbox through the SMTP sender and records each outcome")
    func workerThroughSMTP() async throws {
        let server = try await FakeSMTPServer(.init(pipelining: true))
        try await withTendApp { app in
            let due = Date().addingTimeInterval(-10)
            for (index, address) in ["ann@example.org", "unknown@example.org", "cy@example.org"].enumerated() {
                try await Outbox.enqueue(NewOutboxMessage(channel: .email, recipient: address, subject: "Reminder \(index)",
                                                          body: "Practice today.", dedupeKey: "k\(index)", dueAt: due), on: app.db)
            }
            let worker = OutboxFixtures.worker(app, senders: [.email: SMTPSender(settings: Self.settings(port: server.port))])
            let result = try await worker.drain()
            #expect(result.sent == 2)
            #expect(result.dead == 1)
            #expect(try await Outbox.counts(on: app.db) == [.pending: 0, .claimed: 0, .sent: 2, .dead: 1])
            let dead = try #require(try await OutboxItemModel.query(on: app.db).filter(\.$status == .dead).first())
            #expect(dead.lastError == "SMTP 550 at RCPT TO", "the reply text, which quotes the address, is not kept")
        }
        await server.stop()
        #expect(server.received.count == 2)
    }
}

import Foundation
import NIOCore
import NIOPosix

/// A reply from an SMTP server: the three-digit code and the text of each line (code stripped).
struct SMTPReply: Sendable, Equatable {
    var code: Int
    var lines: [String]

    var isPositive: Bool { (200..<400).contains(code) }
    /// 5xx: the server will refuse the same command again.
    var isPermanentFailure: Bool { code >= 500 }
}

/// Splits the byte stream from an SMTP server into replies. A multi-line reply (`250-…`, …, `250 …`)
/// is one ``SMTPReply``.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    /// A reply line longer than this is a broken or hostile server.
    static let maximumLineLength = 4096

    private var pending: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLineLength { throw SMTPError.malformedReply }
            return .needMoreData
        }
        guard var bytes = buffer.readBytes(length: newline - buffer.readerIndex + 1) else { return .needMoreData }
        // Byte-wise: in a Swift String "\r\n" is one character.
        while let last = bytes.last, last == 10 || last == 13 { bytes.removeLast() }
        let line = String(decoding: bytes, as: UTF8.self)
        guard bytes.count >= 3, bytes[0..<3].allSatisfy({ (48...57).contains($0) }), let code = Int(String(line.prefix(3))) else {
            throw SMTPError.malformedReply
        }
        let text = bytes.count > 4 ? String(line.dropFirst(4)) : ""
        pending.append(text)
        if bytes.count > 3 && bytes[3] == UInt8(ascii: "-") { return .continue }
        let reply = SMTPReply(code: code, lines: pending)
        pending = []
        context.fireChannelRead(wrapInboundOut(reply))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue, buffer.readableBytes > 0 {}
        return .needMoreData
    }
}

/// Closes the connection when ``IdleStateHandler`` reports that the server went quiet, so a read
/// waiting for a reply ends instead of hanging.
private final class CloseWhenIdleHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = SMTPReply
    typealias InboundOut = SMTPReply

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// Why a batch or a message could not be sent. Descriptions are short and hold no addresses or
/// server reply text (which can quote the address): they go into `last_error`.
enum SMTPError: Error, Equatable, CustomStringConvertible {
    case connectFailed
    case connectionClosed
    case malformedReply
    case greeting(Int)
    case hello(Int)
    case authenticationUnavailable
    case authentication(Int)

    var description: String {
        switch self {
        case .connectFailed: return "SMTP connection failed"
        case .connectionClosed: return "SMTP connection closed or timed out"
        case .malformedReply: return "SMTP reply malformed"
        case .greeting(let code): return "SMTP \(code) at greeting"
        case .hello(let code): return "SMTP \(code) at EHLO"
        case .authenticationUnavailable: return "SMTP server offers no AUTH PLAIN"
        case .authentication(let code): return "SMTP \(code) at AUTH"
        }
    }
}

/// Where and how to send e-mail.
public struct SMTPSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// The envelope sender and `From:` address.
    public var from: String
    /// The display name in `From:`.
    public var fromName: String
    public var username: String?
    public var password: String?
    /// The name given in `EHLO`.
    public var heloName: String
    public var connectTimeout: TimeAmount
    /// How long to wait for any reply before giving up on the connection.
    public var replyTimeout: TimeAmount

    public init(host: String, port: Int, from: String, fromName: String = "Tend", username: String? = nil, password: String? = nil,
                heloName: String = "localhost", connectTimeout: TimeAmount = .seconds(10), replyTimeout: TimeAmount = .seconds(60)) {
        self.host = host
        self.port = port
        self.from = from
        self.fromName = fromName
        self.username = username
        self.password = password
        self.heloName = heloName
        self.connectTimeout = connectTimeout
        self.replyTimeout = replyTimeout
    }
}

/// A small SMTP client (RFC 5321) on SwiftNIO: one connection per batch, `EHLO`, optional `AUTH PLAIN`,
/// then `MAIL FROM` / `RCPT TO` / `DATA` per message with `RSET` between messages, and `QUIT`.
/// Commands are pipelined (RFC 2920) when the server offers PIPELINING.
///
/// There is no STARTTLS: the relay must be on loopback or a trusted private network (a local Postfix
/// or an authenticated smarthost reached through it), since credentials and messages travel in clear.
struct SMTPClient: Sendable {
    var settings: SMTPSettings
    var group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton

    /// The server's EHLO answer, as far as this client cares.
    struct Capabilities: Sendable, Equatable {
        var eightBitMIME = false
        var pipelining = false
        var authPlain = false

        init(ehlo: SMTPReply) {
            for line in ehlo.lines.dropFirst() {
                let words = line.uppercased().split(separator: " ")
                guard let keyword = words.first else { continue }
                switch keyword {
                case "8BITMIME": eightBitMIME = true
                case "PIPELINING": pipelining = true
                case "AUTH": authPlain = words.dropFirst().contains("PLAIN")
                default: break
                }
            }
        }

        init() {}
    }

    /// Sends `messages` over one connection, in order; stops before the next message when `shouldStop`
    /// turns true. Messages left unreported were not tried.
    func send(_ messages: [MailMessage], ids: [UUID], shouldStop: @escaping @Sendable () -> Bool) async -> [UUID: DeliveryOutcome] {
        precondition(messages.count == ids.count)
        var outcomes: [UUID: DeliveryOutcome] = [:]
        guard !messages.isEmpty else { return outcomes }
        let channel: NIOAsyncChannel<SMTPReply, ByteBuffer>
        do {
            channel = try await connect()
        } catch {
            for id in ids { outcomes[id] = .failed(SMTPError.connectFailed.description) }
            return outcomes
        }
        do {
            try await channel.executeThenClose { inbound, outbound in
                var session = Session(replies: inbound.makeAsyncIterator(), writer: outbound)
                do {
                    try await session.open(settings: settings)
                } catch {
                    for id in ids { outcomes[id] = .failed((error as? SMTPError)?.description ?? SMTPError.connectionClosed.description) }
                    return
                }
                var index = 0
                while index < messages.count, !shouldStop() {
                    do {
                        outcomes[ids[index]] = try await session.deliver(messages[index], first: index == 0, from: settings.from)
                    } catch {
                        // The connection is gone mid-message: this one failed; the rest were not tried.
                        outcomes[ids[index]] = .failed((error as? SMTPError)?.description ?? SMTPError.connectionClosed.description)
                        return
                    }
                    index += 1
                }
                try? await session.quit()
            }
        } catch {
            // Closing failed after the work was done; the outcomes stand.
        }
        return outcomes
    }

    private func connect() async throws -> NIOAsyncChannel<SMTPReply, ByteBuffer> {
        let readTimeout = settings.replyTimeout
        return try await ClientBootstrap(group: group)
            .connectTimeout(settings.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: readTimeout))
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                    try channel.pipeline.syncOperations.addHandler(CloseWhenIdleHandler())
                    return try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// One open connection: commands and replies in order.
    private struct Session {
        var replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
        let writer: NIOAsyncChannelOutboundWriter<ByteBuffer>
        var capabilities = Capabilities()

        mutating func read() async throws -> SMTPReply {
            guard let reply = try await replies.next() else { throw SMTPError.connectionClosed }
            return reply
        }

        func write(_ lines: [String]) async throws {
            var buffer = ByteBuffer()
            for line in lines {
                buffer.writeString(line)
                buffer.writeString("\r\n")
            }
            try await writer.write(buffer)
        }

        mutating func command(_ line: String) async throws -> SMTPReply {
            try await write([line])
            return try await read()
        }

        /// Greeting, EHLO (HELO when EHLO is refused), AUTH PLAIN when credentials are set.
        mutating func open(settings: SMTPSettings) async throws {
            let greeting = try await read()
            guard greeting.code == 220 else { throw SMTPError.greeting(greeting.code) }
            let ehlo = try await command("EHLO " + settings.heloName)
            if ehlo.code == 250 {
                capabilities = Capabilities(ehlo: ehlo)
            } else {
                let helo = try await command("HELO " + settings.heloName)
                guard helo.code == 250 else { throw SMTPError.hello(helo.code) }
            }
            if let username = settings.username, let password = settings.password {
                guard capabilities.authPlain else { throw SMTPError.authenticationUnavailable }
                let token = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
                let reply = try await command("AUTH PLAIN " + token)
                guard reply.code == 235 else { throw SMTPError.authentication(reply.code) }
            }
        }

        /// One transaction. Throws only when the connection is lost; a refusal is an outcome.
        mutating func deliver(_ message: MailMessage, first: Bool, from: String) async throws -> DeliveryOutcome {
            let (data, encoding) = message.rendered(eightBitAllowed: capabilities.eightBitMIME)
            let mailFrom = "MAIL FROM:<\(from)>" + (encoding == .eightBit ? " BODY=8BITMIME" : "")
            let rcptTo = "RCPT TO:<\(message.to)>"
            // RSET between messages leaves no half-finished transaction behind a refused one.
            let steps = (first ? [] : [("RSET", "RSET")]) + [("MAIL FROM", mailFrom), ("RCPT TO", rcptTo), ("DATA", "DATA")]
            var failure: (stage: String, reply: SMTPReply)?
            var dataReply: SMTPReply?
            if capabilities.pipelining {
                try await write(steps.map(\.1))
                var replies: [SMTPReply] = []
                for _ in steps { replies.append(try await read()) }
                if let index = replies.firstIndex(where: { !$0.isPositive }) {
                    // A server that refused the envelope but now waits for content is confused: give up on it.
                    if replies.last?.code == 354 { throw SMTPError.malformedReply }
                    failure = (steps[index].0, replies[index])
                }
                dataReply = replies.last
            } else {
                for (stage, line) in steps {
                    let reply = try await command(line)
                    if !reply.isPositive {
                        failure = (stage, reply)
                        break
                    }
                    dataReply = reply
                }
            }
            if let failure {
                // A refused recipient will be refused again: dead-letter it. Other refusals are retried.
                return .failed(reason: "SMTP \(failure.reply.code) at \(failure.stage)",
                               permanent: failure.reply.isPermanentFailure && failure.stage == "RCPT TO")
            }
            guard dataReply?.code == 354 else { throw SMTPError.malformedReply }
            var buffer = ByteBuffer()
            buffer.reserveCapacity(data.count + 5)
            buffer.writeBytes(data)
            buffer.writeString(".\r\n")
            try await writer.write(buffer)
            let done = try await read()
            guard done.code == 250 else {
                return .failed(reason: "SMTP \(done.code) after DATA", permanent: done.isPermanentFailure)
            }
            return .sent
        }

        mutating func quit() async throws {
            _ = try await command("QUIT")
        }
    }
}

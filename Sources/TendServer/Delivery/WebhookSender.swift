import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore

/// Where the webhook messages (SMS through a gateway) go.
public struct WebhookSettings: Sendable, Equatable {
    public var url: URL
    /// When set, each request carries `X-Tend-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`
    /// and `X-Tend-Timestamp: <unix seconds>`, so the gateway can check where it came from and when.
    public var secret: String?
    public var timeout: TimeAmount

    public init(url: URL, secret: String? = nil, timeout: TimeAmount = .seconds(15)) {
        self.url = url
        self.secret = secret
        self.timeout = timeout
    }
}

/// POSTs each message as JSON `{"to", "subject", "body", "id"}` to the configured URL. Any status
/// outside 200–299 is a failure, retried by the policy.
struct WebhookSender: OutboxSender {
    var settings: WebhookSettings
    var client: HTTPClient = .shared

    struct Payload: Codable, Equatable {
        var to: String
        var subject: String
        var body: String
        var id: String
    }

    static let signatureHeader = "X-Tend-Signature"
    static let timestampHeader = "X-Tend-Timestamp"

    /// The JSON body for one message (keys sorted, so it is stable).
    static func body(for message: OutboxMessage) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Payload(to: message.recipient, subject: message.subject, body: message.body,
                                          id: message.id.uuidString.lowercased()))
    }

    /// `sha256=<hex>` of HMAC-SHA256 over `"<timestamp>.<body>"` with `secret`.
    static func signature(body: Data, timestamp: Int64, secret: String) -> String {
        var signed = Data(String(timestamp).utf8)
        signed.append(UInt8(ascii: "."))
        signed.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    func send(_ messages: [OutboxMessage], shouldStop: @escaping @Sendable () -> Bool) async -> [UUID: DeliveryOutcome] {
        var outcomes: [UUID: DeliveryOutcome] = [:]
        for message in messages {
            if shouldStop() { break }
            outcomes[message.id] = await send(message)
        }
        return outcomes
    }

    func send(_ message: OutboxMessage) async -> DeliveryOutcome {
        let body: Data
        do {
            body = try Self.body(for: message)
        } catch {
            return .failed(reason: "webhook payload could not be encoded", permanent: true)
        }
        var request = HTTPClientRequest(url: settings.url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let secret = settings.secret {
            let timestamp = Int64(Date().timeIntervalSince1970)
            request.headers.add(name: Self.timestampHeader, value: String(timestamp))
            request.headers.add(name: Self.signatureHeader, value: Self.signature(body: body, timestamp: timestamp, secret: secret))
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: settings.timeout)
            // Read (and drop) the answer so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            guard (200..<300).contains(response.status.code) else {
                return .failed("webhook HTTP \(response.status.code)")
            }
            return .sent
        } catch is HTTPClientError {
            return .failed("webhook request failed or timed out")
        } catch {
            return .failed("webhook connection failed")
        }
    }
}

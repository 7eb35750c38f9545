import Foundation
import NIOCore
import TendCore

/// The delivery outbox's settings, read from the environment with the rest of ``ServerConfiguration``.
///
/// | variable | default | meaning |
/// | --- | --- | --- |
/// | `TEND_OUTBOX_WORKER` | `on` | `off` (or `0`, `false`) keeps `tend serve` from running a worker (run `tend worker` instead) |
/// | `TEND_SMTP_HOST` | none | the SMTP relay; unset means e-mail is queued but not sent by this process |
/// | `TEND_SMTP_PORT` | `25` | |
/// | `TEND_SMTP_FROM` | none, required with a host | the sender address, `reminders@example.org` |
/// | `TEND_SMTP_FROM_NAME` | `Tend` | the display name in `From:` |
/// | `TEND_SMTP_USERNAME`, `TEND_SMTP_PASSWORD` | none | AUTH PLAIN credentials, both or neither |
/// | `TEND_SMTP_HELO` | `localhost` | the name given in `EHLO` |
/// | `TEND_SMTP_CONNECTIONS` | `1` | connections a worker uses side by side for one batch |
/// | `TEND_WEBHOOK_URL` | none | where webhook messages are POSTed; unset means they are not sent by this process |
/// | `TEND_WEBHOOK_SECRET` | none | HMAC-SHA256 key for the `X-Tend-Signature` header |
/// | `TEND_OUTBOX_BATCH` | `100` | messages claimed at a time |
/// | `TEND_OUTBOX_POLL_SECONDS` | `5` | wait between looks when nothing is due |
/// | `TEND_OUTBOX_CLAIM_TIMEOUT_SECONDS` | `600` | a claim older than this is taken to be from a crashed worker and released |
public struct OutboxConfiguration: Sendable, Equatable {
    public var workerEnabled: Bool
    public var smtp: SMTPSettings?
    public var smtpConnections: Int
    public var webhook: WebhookSettings?
    public var batchSize: Int
    public var pollInterval: TimeInterval
    public var claimTimeout: TimeInterval
    public var retryPolicy: RetryPolicy

    public init(
        workerEnabled: Bool = true,
        smtp: SMTPSettings? = nil,
        smtpConnections: Int = 1,
        webhook: WebhookSettings? = nil,
        batchSize: Int = 100,
        pollInterval: TimeInterval = 5,
        claimTimeout: TimeInterval = 600,
        retryPolicy: RetryPolicy = .standard
    ) {
        self.workerEnabled = workerEnabled
        self.smtp = smtp
        self.smtpConnections = smtpConnections
        self.webhook = webhook
        self.batchSize = batchSize
        self.pollInterval = pollInterval
        self.claimTimeout = claimTimeout
        self.retryPolicy = retryPolicy
    }

    /// Nothing configured to send with: messages are queued and wait.
    public static let none = OutboxConfiguration()

    /// The channels this process can deliver.
    public var channels: [OutboxChannel] {
        (smtp == nil ? [] : [.email]) + (webhook == nil ? [] : [.webhook])
    }

    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> OutboxConfiguration {
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
            guard let raw = value(name) else { return fallback }
            guard let number = Int(raw), range.contains(number) else {
                throw ConfigurationError(variable: name, value: raw, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }
        var configuration = OutboxConfiguration()
        if let raw = value("TEND_OUTBOX_WORKER") {
            switch raw.lowercased() {
            case "1", "on", "true", "yes": configuration.workerEnabled = true
            case "0", "off", "false", "no": configuration.workerEnabled = false
            default: throw ConfigurationError(variable: "TEND_OUTBOX_WORKER", value: raw, expected: "on or off")
            }
        }
        if let host = value("TEND_SMTP_HOST") {
            guard !host.contains(where: { $0.isWhitespace || $0 == "/" }) else {
                throw ConfigurationError(variable: "TEND_SMTP_HOST", value: host, expected: "a host name or IP address, like 127.0.0.1")
            }
            let port = try integer("TEND_SMTP_PORT", default: 25, range: 1...65535)
            guard let from = value("TEND_SMTP_FROM") else {
                throw ConfigurationError(variable: "TEND_SMTP_FROM", value: "", expected: "the sender address (required with TEND_SMTP_HOST), like reminders@example.org")
            }
            guard MailAddress.isPlausible(from) else {
                throw ConfigurationError(variable: "TEND_SMTP_FROM", value: from, expected: "a plain e-mail address, like reminders@example.org")
            }
            let username = value("TEND_SMTP_USERNAME")
            let password = environment["TEND_SMTP_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
            if (username == nil) != (password == nil) {
                throw ConfigurationError(variable: username == nil ? "TEND_SMTP_USERNAME" : "TEND_SMTP_PASSWORD", value: "",
                                         expected: "TEND_SMTP_USERNAME and TEND_SMTP_PASSWORD set together, or neither")
            }
            let helo = value("TEND_SMTP_HELO") ?? "localhost"
            guard helo.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }) else {
                throw ConfigurationError(variable: "TEND_SMTP_HELO", value: helo, expected: "a host name, like tend.example.org")
            }
            configuration.smtp = SMTPSettings(host: host, port: port, from: from,
                                              fromName: MailMessage.oneLine(value("TEND_SMTP_FROM_NAME") ?? "Tend"),
                                              username: username, password: password, heloName: helo)
            configuration.smtpConnections = try integer("TEND_SMTP_CONNECTIONS", default: 1, range: 1...32)
        }
        if let raw = value("TEND_WEBHOOK_URL") {
            guard let url = URL(string: raw), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  url.host != nil else {
                throw ConfigurationError(variable: "TEND_WEBHOOK_URL", value: "(hidden)",
                                         expected: "an absolute http:// or https:// URL")
            }
            configuration.webhook = WebhookSettings(url: url, secret: environment["TEND_WEBHOOK_SECRET"].flatMap { $0.isEmpty ? nil : $0 })
        }
        configuration.batchSize = try integer("TEND_OUTBOX_BATCH", default: 100, range: 1...10_000)
        configuration.pollInterval = TimeInterval(try integer("TEND_OUTBOX_POLL_SECONDS", default: 5, range: 1...3600))
        configuration.claimTimeout = TimeInterval(try integer("TEND_OUTBOX_CLAIM_TIMEOUT_SECONDS", default: 600, range: 30...86_400))
        return configuration
    }

    /// The senders for the configured channels.
    func senders() -> [OutboxChannel: any OutboxSender] {
        var senders: [OutboxChannel: any OutboxSender] = [:]
        if let smtp { senders[.email] = SMTPSender(settings: smtp, connections: smtpConnections) }
        if let webhook { senders[.webhook] = WebhookSender(settings: webhook) }
        return senders
    }
}

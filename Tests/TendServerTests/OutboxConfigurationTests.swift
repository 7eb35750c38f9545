import Foundation
import Testing
@testable import TendServer

/// Reading the delivery settings from the environment.
@Suite("Outbox configuration")
struct OutboxConfigurationTests {
    @Test("With nothing set, nothing is sent and the worker setting is on")
    func defaults() throws {
        let configuration = try OutboxConfiguration.fromEnvironment([:])
        #expect(configuration == .none)
        #expect(configuration.channels.isEmpty)
        #expect(configuration.workerEnabled)
        #expect(try ServerConfiguration.fromEnvironment([:]).outbox == .none)
    }

    @Test("SMTP and webhook settings are read together with the batch, poll and claim settings")
    func full() throws {
        let configuration = try OutboxConfiguration.fromEnvironment([
            "TEND_SMTP_HOST": "127.0.0.1", "TEND_SMTP_PORT": "2525", "TEND_SMTP_FROM": "reminders@tend.example.org",
            "TEND_SMTP_USERNAME": "tend", "TEND_SMTP_PASSWORD": "secret", "TEND_SMTP_HELO": "tend.example.org",
            "TEND_SMTP_CONNECTIONS": "2",
            "TEND_WEBHOOK_URL": "https://sms.example.org/hook", "TEND_WEBHOOK_SECRET": "k",
            "TEND_OUTBOX_WORKER": "off", "TEND_OUTBOX_BATCH": "250", "TEND_OUTBOX_POLL_SECONDS": "2",
            "TEND_OUTBOX_CLAIM_TIMEOUT_SECONDS": "120",
        ])
        #expect(configuration.smtp == SMTPSettings(host: "127.0.0.1", port: 2525, from: "reminders@tend.example.org",
                                                   username: "tend", password: "secret", heloName: "tend.example.org"))
        #expect(configuration.smtpConnections == 2)
        #expect(configuration.webhook == WebhookSettings(url: URL(string: "https://sms.example.org/hook")!, secret: "k"))
        #expect(configuration.channels == [.email, .webhook])
        #expect(!configuration.workerEnabled)
        #expect(configuration.batchSize == 250)
        #expect(configuration.pollInterval == 2)
        #expect(configuration.claimTimeout == 120)
        #expect(Set(configuration.senders().keys) == [.email, .webhook])
    }

    @Test("Bad values name the variable and what was expected", arguments: [
        (["TEND_SMTP_HOST": "mail.example.org"], "TEND_SMTP_FROM"),
        (["TEND_SMTP_HOST": "mail.example.org", "TEND_SMTP_FROM": "not an address"], "TEND_SMTP_FROM"),
        (["TEND_SMTP_HOST": "mail.example.org", "TEND_SMTP_FROM": "r@example.org", "TEND_SMTP_PORT": "70000"], "TEND_SMTP_PORT"),
        (["TEND_SMTP_HOST": "mail.example.org", "TEND_SMTP_FROM": "r@example.org", "TEND_SMTP_USERNAME": "u"], "TEND_SMTP_PASSWORD"),
        (["TEND_WEBHOOK_URL": "ftp://sms.example.org"], "TEND_WEBHOOK_URL"),
        (["TEND_OUTBOX_WORKER": "maybe"], "TEND_OUTBOX_WORKER"),
        (["TEND_OUTBOX_BATCH": "0"], "TEND_OUTBOX_BATCH"),
        (["TEND_OUTBOX_CLAIM_TIMEOUT_SECONDS": "5"], "TEND_OUTBOX_CLAIM_TIMEOUT_SECONDS"),
    ])
    func badValues(environment: [String: String], variable: String) {
        #expect {
            _ = try OutboxConfiguration.fromEnvironment(environment)
        } throws: { error in
            (error as? ConfigurationError)?.variable == variable
        }
    }

    @Test("A secret never appears in the error for a bad webhook URL")
    func secretsStayHidden() {
        let environment = ["TEND_WEBHOOK_URL": "not a url with token=abc123"]
        #expect {
            _ = try OutboxConfiguration.fromEnvironment(environment)
        } throws: { error in
            !"\(error)".contains("abc123")
        }
    }
}

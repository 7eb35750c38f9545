import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Structured JSON logs without personal data")
struct StructuredLogTests {
    /// Collects finished log lines.
    final class Capture: Sendable {
        let lines = NIOLockedValueBox<[String]>([])
        var all: [String] { lines.withLockedValue { $0 } }
        func sink() -> JSONLogHandler.Sink { { line in self.lines.withLockedValue { $0.append(line) } } }
    }

    @Test("A line is one JSON object: UTC time, level, logger, message, then metadata; control characters escaped")
    func lineFormat() throws {
        let time = Date(timeIntervalSince1970: 1_795_000_000.25)
        let line = JSONLogHandler.line(time: time, level: .warning, label: "codes.vapor.request", message: "two\nlines \"quoted\" \u{1}",
                                       metadata: ["status": .stringConvertible(503), "list": .array(["a", .dictionary(["k": "v"])])])
        #expect(!line.contains("\n"))
        #expect(line.hasPrefix(#"{"time":"2026-11-18T11:06:40.250Z","level":"warning","logger":"codes.vapor.request","message":"two\nlines \"quoted\" \u0001""#))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "two\nlines \"quoted\" \u{1}")
        #expect(object["status"] as? String == "503")
        #expect((object["list"] as? [Any])?.count == 2)
    }

    @Test("Signing in, posting forms and using one-time links log no e-mail, name, password, token, query or form text")
    func noPersonalData() async throws {
        try await withTendApp { app in
            let capture = Capture()
            app.logger = Logger(label: "codes.vapor.application") { label in
                JSONLogHandler(label: label, level: .info, sink: capture.sink())
            }
            let secrets: [String] = [
                "admin@example.org", "Test Administrator", Fixtures.password,
                "quentin.private@example.org", "Quentin Private", "a very private phrase",
                "nobody.here@example.org", "wrong password typed", "Tuesday evening", "Avery Roster", "STUDY-0042",
                "private-query-text",
            ]
            let admin = try await Fixtures.signedIn(.admin, on: app)
            // A failed sign-in with an unknown address and a wrong password.
            let stranger = Browser(app)
            try await stranger.get("/login?next=%2Fgroups%3Fq%3Dprivate-query-text")
            try await stranger.post("/login", ["email": "nobody.here@example.org", "password": "wrong password typed"])
            // Forms with an e-mail address and free text.
            try await admin.post("/admin/invitations", ["email": "quentin.private@example.org", "role": "facilitator", "note": "a very private phrase"])
            let quentin = try await Fixtures.user(.participant, email: "quentin.private@example.org", name: "Quentin Private", on: app)
            let facilitator = try await Fixtures.signedIn(.facilitator, on: app)
            try await facilitator.get("/groups/new")
            let created = try await facilitator.post("/groups", GroupTests.goodGroup.merging(["name": "Tuesday evening"]) { $1 })
            if let group = created.location {
                try await facilitator.get(group)
                try await facilitator.post(group + "/roster", ["displayName": "Avery Roster", "studyCode": "STUDY-0042"])
            }
            // A one-time link, opened and used.
            let path = try await PasswordResetTests.issue(for: quentin, by: admin)
            let token = String(path.dropFirst("/password-reset/".count))
            let person = Browser(app)
            try await person.get(path + "?utm=private-query-text")
            try await person.post(path, ["password": "a very private phrase", "confirm": "a very private phrase"])
            try await admin.get("/admin/audit?page=1")

            let lines = capture.all
            #expect(lines.count >= 15)
            var routes: Set<String> = []
            for line in lines {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
                for key in ["time", "level", "logger", "message"] { #expect(object[key] is String, "\(key) in \(line)") }
                #expect((object["time"] as? String)?.hasSuffix("Z") == true)
                for secret in secrets + [token, SecretToken.digest(token), "?"] {
                    #expect(!line.contains(secret), "log line carries \(secret): \(line)")
                }
                if object["message"] as? String == "request" {
                    for key in ["method", "route", "status", "duration_ms", "request-id"] { #expect(object[key] != nil, "\(key) in \(line)") }
                    if let route = object["route"] as? String { routes.insert(route) }
                }
            }
            #expect(routes.contains("/password-reset/:token"))
            #expect(routes.contains("/login"))
            #expect(routes.contains("/groups/:group/roster"))
            #expect(!routes.contains { $0.contains(token) })
        }
    }
}

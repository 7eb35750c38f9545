import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Password reset links")
struct PasswordResetTests {
    static let newPassword = "a brand new long secret"

    /// The admin opens the people list and creates a reset link for `target`; returns the link's path.
    static func issue(for target: UserModel, by admin: Browser) async throws -> String {
        let people = try await admin.get("/admin/people")
        #expect(people.status == .ok)
        let targetID = try target.requireID()
        let action = "/accounts/\(targetID.uuidString.lowercased())/reset-link"
        #expect(people.text.contains("action=\"\(action)\""))
        let issued = try await admin.post(action, [:])
        #expect(issued.status == .ok)
        let link = try #require(Browser.inputValue(id: "reset-link", in: issued.text))
        #expect(link.hasPrefix("http://127.0.0.1:8080/password-reset/"))
        return String(link.dropFirst("http://127.0.0.1:8080".count))
    }

    @Test("The admin's people list shows every account with its role and creation date, and is audited")
    func peopleList() async throws {
        try await withTendApp { app in
            let admin = try await Fixtures.signedIn(.admin, on: app)
            try await Fixtures.user(.participant, email: "pat@example.org", name: "Pat Participant", on: app)
            try await Fixtures.user(.researcher, on: app)
            let page = try await admin.get("/admin/people")
            #expect(page.status == .ok)
            for text in ["Pat Participant", "pat@example.org", "Participant", "Researcher", "Test Administrator", "Create reset link"] {
                #expect(page.text.contains(text), "people list shows \(text)")
            }
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .accountListViewed).count() == 1)
            #expect(try await admin.get("/").text.contains("href=\"/admin/people\""), "the dashboard links to the list")
            let facilitator = try await Fixtures.signedIn(.facilitator, on: app)
            #expect(try await facilitator.get("/admin/people").status == .forbidden)
        }
    }

    @Test("A reset link sets a new password once, ends every other session of that person and signs them in fresh")
    func resetOnce() async throws {
        try await withTendApp { app in
            let target = try await Fixtures.user(.researcher, email: "rae@example.org", name: "Rae Researcher", on: app)
            // Rae is signed in on two other devices.
            var devices: [Browser] = []
            for _ in 0..<2 {
                let device = Browser(app)
                try await device.get("/login")
                #expect(try await device.post("/login", ["email": "rae@example.org", "password": Fixtures.password]).status == .seeOther)
                #expect(try await device.get("/").status == .ok)
                devices.append(device)
            }
            #expect(try await SessionOwnerModel.query(on: app.db).filter(\.$user.$id == target.requireID()).count() == 2)

            let admin = try await Fixtures.signedIn(.admin, on: app)
            let path = try await Self.issue(for: target, by: admin)
            let reset = try #require(try await PasswordResetModel.query(on: app.db).first())
            #expect(abs(reset.expiresAt.timeIntervalSinceNow - 24 * 3600) < 60, "links last 24 hours")
            let token = String(path.dropFirst("/password-reset/".count))
            #expect(reset.tokenHash == SecretToken.digest(token), "only the digest is stored")

            let person = Browser(app)
            let form = try await person.get(path)
            #expect(form.status == .ok)
            #expect(form.text.contains("rae@example.org"))
            #expect(form.text.contains("autocomplete=\"new-password\""))

            // The two passwords must match; nothing typed is sent back.
            let mismatch = try await person.post(path, ["password": Self.newPassword, "confirm": "something else entirely"])
            #expect(mismatch.status == .unprocessableEntity)
            #expect(mismatch.text.contains("The two passwords are different"))
            #expect(!mismatch.text.contains(Self.newPassword))
            let short = try await person.post(path, ["password": "short", "confirm": "short"])
            #expect(short.status == .unprocessableEntity)
            #expect(short.text.contains("at least 10 characters"))

            let done = try await person.post(path, ["password": Self.newPassword, "confirm": Self.newPassword])
            #expect(done.status == .seeOther)
            #expect(done.location == "/")
            let home = try await person.get("/")
            #expect(home.text.contains("Hello, Rae Researcher"))

            // The other devices are signed out: their session records are gone.
            for device in devices {
                let key = try #require(device.cookies["tend_session"])
                #expect(try await SessionRecord.query(on: app.db).filter(\.$key == SessionID(string: key)).count() == 0)
                #expect(try await device.get("/").status == .found)
            }
            #expect(try await SessionOwnerModel.query(on: app.db).filter(\.$user.$id == target.requireID()).count() == 1,
                    "only the fresh session remains")

            // The old password no longer works, the new one does.
            let other = Browser(app)
            try await other.get("/login")
            #expect(try await other.post("/login", ["email": "rae@example.org", "password": Fixtures.password]).status == .unprocessableEntity)
            #expect(try await other.post("/login", ["email": "rae@example.org", "password": Self.newPassword]).status == .seeOther)

            // The link works once.
            let again = try await Browser(app).get(path)
            #expect(again.status == .gone)
            #expect(again.text.contains("already been used"))
            #expect(try await person.post(path, ["password": Self.newPassword, "confirm": Self.newPassword]).status == .gone)

            // Issuing and using are audited, by ids only.
            let issued = try #require(try await AuditEventModel.query(on: app.db).filter(\.$action == .passwordResetIssued).first())
            #expect(issued.actorRole == .admin)
            #expect(issued.subjectKind == .user)
            #expect(issued.subjectID == target.id)
            let completed = try #require(try await AuditEventModel.query(on: app.db).filter(\.$action == .passwordResetCompleted).first())
            #expect(completed.$actor.id == target.id)
            #expect(completed.subjectID == target.id)
        }
    }

    @Test("Issuing a new link revokes the earlier one")
    func newLinkRevokesEarlier() async throws {
        try await withTendApp { app in
            let target = try await Fixtures.user(.facilitator, on: app)
            let admin = try await Fixtures.signedIn(.admin, on: app)
            let first = try await Self.issue(for: target, by: admin)
            let second = try await Self.issue(for: target, by: admin)
            #expect(first != second)
            let person = Browser(app)
            let old = try await person.get(first)
            #expect(old.status == .gone)
            #expect(old.text.contains("has been replaced"))
            #expect(try await person.get(second).status == .ok)
            #expect(try await person.post(first, ["password": Self.newPassword, "confirm": Self.newPassword]).status == .gone)
            #expect(try await person.post(second, ["password": Self.newPassword, "confirm": Self.newPassword]).status == .seeOther)
        }
    }

    @Test("A link works for 24 hours; after that it is expired and the password is unchanged")
    func expiry() async throws {
        try await withTendApp { app in
            let clock = ManualClock()
            clock.install(on: app)
            let target = try await Fixtures.user(.participant, on: app)
            let admin = try await Fixtures.signedIn(.admin, on: app)
            let path = try await Self.issue(for: target, by: admin)
            clock.advance(by: 23 * 3600)
            let person = Browser(app)
            #expect(try await person.get(path).status == .ok)
            clock.advance(by: 3600 + 1)
            let expired = try await person.get(path)
            #expect(expired.status == .gone)
            #expect(expired.text.contains("This password reset link has expired"))
            #expect(try await person.post(path, ["password": Self.newPassword, "confirm": Self.newPassword]).status == .gone)
            let stored = try #require(try await UserModel.find(target.id, on: app.db))
            #expect(stored.passwordHash == target.passwordHash)
        }
    }

    @Test("An unknown link answers 404")
    func unknown() async throws {
        try await withTendApp { app in
            let response = try await Browser(app).get("/password-reset/\(SecretToken.generate())")
            #expect(response.status == .notFound)
            #expect(response.text.contains("Password reset link not found"))
        }
    }

    @Test("Facilitators (for people outside their groups), researchers and participants get 403, visitors sign in")
    func whoMayIssue() async throws {
        try await withTendApp { app in
            let participant = try await Fixtures.user(.participant, email: "p@example.org", on: app)
            let participantID = try participant.requireID()
            let path = "/accounts/\(participantID.uuidString.lowercased())/reset-link"
            for role in [Role.facilitator, .researcher, .participant] {
                let browser = try await Fixtures.signedIn(role, on: app)
                #expect(try await browser.post(path, [:]).status == .forbidden, "\(role) may not issue for someone on no roster of theirs")
            }
            let visitor = Browser(app)
            try await visitor.get("/login")
            #expect(try await visitor.post(path, [:]).status == .found)
            #expect(try await PasswordResetModel.query(on: app.db).count() == 0)

            let admin = try await Fixtures.signedIn(.admin, on: app)
            #expect(try await admin.post("/accounts/\(UUID().uuidString.lowercased())/reset-link", [:]).status == .notFound)
        }
    }

    @Test("mayIssueReset: admin for anyone; a facilitator for no one who is not on a roster of theirs")
    func authorisationRule() async throws {
        try await withTendApp { app in
            let admin = try await Fixtures.user(.admin, on: app)
            let facilitator = try await Fixtures.user(.facilitator, on: app)
            let researcher = try await Fixtures.user(.researcher, on: app)
            let participant = try await Fixtures.user(.participant, on: app)
            for target in [admin, facilitator, researcher, participant] {
                #expect(try await mayIssueReset(issuer: admin, target: target, on: app.db))
                #expect(try await !mayIssueReset(issuer: researcher, target: target, on: app.db))
                #expect(try await !mayIssueReset(issuer: participant, target: target, on: app.db))
                #expect(try await !mayIssueReset(issuer: facilitator, target: target, on: app.db))
            }
        }
    }

    @Test("A facilitator issues a reset link for a participant in their group from the roster; another facilitator may not")
    func facilitatorResetsOwnParticipant() async throws {
        try await withTendApp { app in
            let (facilitator, group, _, _) = try await ParticipantFixtures.enrolled(app, group: ParticipantFixtures.meetingGroup,
                                                                                   joinedAt: "2026-03-01T10:00:00Z")
            let participant = try #require(try await UserModel.query(on: app.db).filter(\.$role == .participant).first())
            let path = "/accounts/\(try participant.requireID().uuidString.lowercased())/reset-link"
            let roster = try await facilitator.get("/groups/" + group.uuidString.lowercased())
            #expect(roster.text.contains("action=\"\(path)\""), "the roster offers the reset link for a member who joined")
            let issued = try await facilitator.post(path, [:])
            #expect(issued.status == .ok)
            #expect(issued.text.contains("/password-reset/"))
            #expect(try await mayIssueReset(issuer: try #require(try await UserModel.query(on: app.db).filter(\.$role == .facilitator).first()),
                                            target: participant, on: app.db))

            let other = try await Fixtures.user(.facilitator, email: "other.facilitator@example.org", on: app)
            #expect(try await !mayIssueReset(issuer: other, target: participant, on: app.db))
            let otherBrowser = try await ParticipantFixtures.signIn(other, on: app)
            #expect(try await otherBrowser.post(path, [:]).status == .forbidden)
            #expect(try await PasswordResetModel.query(on: app.db).count() == 1)
        }
    }
}

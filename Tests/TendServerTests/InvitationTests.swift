import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Staff invitations")
struct InvitationTests {
    /// Signs in an admin, invites `email` as `role`, returns the invitation path shown once on the page.
    static func invite(_ email: String, as role: Role, on app: Application) async throws -> (admin: Browser, path: String) {
        let admin = try await Fixtures.signedIn(.admin, on: app)
        let response = try await admin.post("/admin/invitations", ["email": email, "role": role.rawValue])
        #expect(response.status == .ok)
        #expect(response.text.contains("Invitation created"))
        let marker = "value=\"http://127.0.0.1:8080/invitations/"
        let start = try #require(response.text.range(of: marker))
        let rest = response.text[start.upperBound...]
        let token = String(rest[..<rest.firstIndex(of: "\"")!])
        return (admin, "/invitations/" + token)
    }

    static let acceptForm = ["name": "Fran Facilitator", "password": "another good secret", "confirm": "another good secret"]

    @Test("The invitee sets name and password, is signed in with the invited role, and the link then answers 410")
    func acceptOnce() async throws {
        try await withTendApp { app in
            let (admin, path) = try await Self.invite("fran@example.org", as: .facilitator, on: app)
            let invitee = Browser(app)
            let page = try await invitee.get(path)
            #expect(page.status == .ok)
            #expect(page.text.contains("fran@example.org"))
            let accepted = try await invitee.post(path, Self.acceptForm)
            #expect(accepted.status == .seeOther)
            let home = try await invitee.get("/")
            #expect(home.text.contains("Hello, Fran Facilitator"))
            #expect(home.text.contains("Facilitator"))
            let user = try #require(try await UserModel.query(on: app.db).filter(\.$email == "fran@example.org").first())
            #expect(user.role == .facilitator)

            let reuse = Browser(app)
            let second = try await reuse.get(path)
            #expect(second.status == .gone)
            #expect(second.text.contains("already been used"))
            #expect(try await invitee.post(path, Self.acceptForm).status == .gone)

            // The admin's staff list shows the new colleague.
            #expect(try await admin.get("/").text.contains("Fran Facilitator"))
        }
    }

    @Test("An expired invitation answers 410 and creates nobody")
    func expired() async throws {
        try await withTendApp { app in
            let (_, path) = try await Self.invite("rob@example.org", as: .researcher, on: app)
            let invitation = try #require(try await InvitationModel.query(on: app.db).first())
            #expect(abs(invitation.expiresAt.timeIntervalSinceNow - 7 * 24 * 3600) < 60)
            invitation.expiresAt = Date().addingTimeInterval(-60)
            try await invitation.save(on: app.db)
            let invitee = Browser(app)
            let page = try await invitee.get(path)
            #expect(page.status == .gone)
            #expect(page.text.contains("This invitation has expired"))
            #expect(try await UserModel.query(on: app.db).filter(\.$email == "rob@example.org").count() == 0)
        }
    }

    @Test("An unknown invitation answers 404")
    func unknown() async throws {
        try await withTendApp { app in
            let response = try await Browser(app).get("/invitations/\(SecretToken.generate())")
            #expect(response.status == .notFound)
            #expect(response.text.contains("Invitation not found"))
        }
    }

    @Test("Invalid input re-renders with the name kept; the password is never sent back")
    func validationKeepsName() async throws {
        try await withTendApp { app in
            let (_, path) = try await Self.invite("kim@example.org", as: .researcher, on: app)
            let invitee = Browser(app)
            try await invitee.get(path)
            let response = try await invitee.post(path, ["name": "Kim \"K\" <Lee>", "password": "short", "confirm": "short"])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("value=\"Kim &quot;K&quot; &lt;Lee&gt;\""))
            #expect(!response.text.contains("value=\"short\""))
            #expect(response.text.contains("at least 10 characters"))
            #expect(try await invitee.get(path).status == .ok, "the invitation is still usable")
        }
    }

    @Test("The admin's invite form keeps what was typed and names what is wrong")
    func inviteValidation() async throws {
        try await withTendApp { app in
            let admin = try await Fixtures.signedIn(.admin, on: app)
            let response = try await admin.post("/admin/invitations", ["email": "not-an-address"])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("value=\"not-an-address\""))
            #expect(response.text.contains("<a href=\"#email\">Enter an e-mail address in the right format"))
            #expect(response.text.contains("<a href=\"#role\">Choose whether they will be a facilitator or a researcher</a>"))
            let picked = try await admin.post("/admin/invitations", ["email": "", "role": "researcher"])
            #expect(picked.text.contains("value=\"researcher\" checked=\"checked\""))
            // Only staff roles can be invited this way.
            let admin2 = try await admin.post("/admin/invitations", ["email": "x@example.org", "role": "admin"])
            #expect(admin2.status == .unprocessableEntity)
            #expect(try await InvitationModel.query(on: app.db).count() == 0)
        }
    }

    @Test("Creating and accepting invitations is in the audit trail")
    func audited() async throws {
        try await withTendApp { app in
            let (admin, path) = try await Self.invite("ana@example.org", as: .researcher, on: app)
            let invitee = Browser(app)
            try await invitee.get(path)
            try await invitee.post(path, Self.acceptForm)
            let actions = Set(try await AuditEventModel.query(on: app.db).all().map(\.action))
            #expect(actions.isSuperset(of: [.invitationCreated, .invitationAccepted, .signedIn, .staffListViewed]))
            let trail = try await admin.get("/admin/audit")
            #expect(trail.status == .ok)
            #expect(trail.text.contains("Invited a member of staff"))
            #expect(trail.text.contains("Accepted an invitation"))
            #expect(!trail.text.contains("ana@example.org"), "the trail holds no e-mail addresses")
        }
    }
}

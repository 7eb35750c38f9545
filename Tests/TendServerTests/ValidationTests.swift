import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Forms keep what was typed")
struct ValidationTests {
    @Test("The setup form keeps name and e-mail, drops passwords, and links each error to its field")
    func setupKeepsInput() async throws {
        try await withTendApp { app in
            let path = try await SetupLinkTests.setupPath(app)
            let browser = Browser(app)
            try await browser.get(path)
            let response = try await browser.post(path, [
                "name": "Zoë O'Brien", "email": "zoe@", "password": "long enough password", "confirm": "different password!",
            ])
            #expect(response.status == .unprocessableEntity)
            let html = response.text
            #expect(html.contains("value=\"Zoë O&#39;Brien\""))
            #expect(html.contains("value=\"zoe@\""))
            #expect(!html.contains("long enough password"))
            #expect(!html.contains("different password!"))
            #expect(html.contains("<a href=\"#email\">Enter an e-mail address in the right format"))
            #expect(html.contains("<a href=\"#confirm\">The two passwords are different"))
            #expect(html.contains("id=\"email-error\""))
            #expect(html.contains("aria-describedby=\"email-hint email-error\""))
            #expect(html.contains("aria-describedby=\"password-hint\""))
            #expect(try await UserModel.query(on: app.db).count() == 0)
        }
    }

    @Test("Typed markup is escaped, never interpreted")
    func escapesMarkup() async throws {
        try await withTendApp { app in
            let browser = Browser(app)
            try await browser.get("/login")
            let response = try await browser.post("/login", ["email": "\"><script>alert(1)</script>", "password": ""])
            #expect(!response.text.contains("<script>"))
            #expect(response.text.contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""))
        }
    }

    @Test("Password rules", arguments: [
        ("", "", "Choose a password"),
        ("short", "short", "at least 10 characters"),
        (String(repeating: "é", count: 40), String(repeating: "é", count: 40), "at most 72"),
        ("long enough one", "", "Type the password again"),
        ("long enough one", "long enough two", "The two passwords are different"),
    ])
    func passwordRules(_ password: String, _ confirm: String, _ message: String) {
        var errors = FormErrors()
        PasswordPolicy.check(password: password, confirmation: confirm, into: &errors)
        #expect(errors.items.count == 1)
        #expect(errors.items.first?.message.contains(message) == true)
    }

    @Test("A good password and its confirmation pass")
    func goodPassword() {
        var errors = FormErrors()
        PasswordPolicy.check(password: "ten chars!", confirmation: "ten chars!", into: &errors)
        #expect(errors.isEmpty)
    }

    @Test("E-mail plausibility", arguments: [
        ("a@b.org", true), ("first.last+tag@example.co.uk", true),
        ("a@b", false), ("@b.org", false), ("a b@c.org", false), ("a@.org", false), ("a@b.org.", false), ("a@@b.org", false),
    ])
    func emails(_ email: String, _ plausible: Bool) {
        #expect(FieldRules.isPlausibleEmail(email) == plausible)
    }
}

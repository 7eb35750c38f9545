import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// Autosave: `POST /my/drafts/:form`, drafts prefilled into their owner's forms, cleared on a successful
/// send; proved against the endpoint and the real deletion request form on `/my/data`.
@Suite("Autosaved drafts")
struct AutosaveDraftTests {
    static let form = ParticipantDataController.deletionFormKey
    static let draftPath = "/my/drafts/" + form

    static func draft(of user: UserModel, on app: Application) async throws -> DraftModel? {
        try await DraftModel.query(on: app.db).filter(\.$user.$id == user.requireID()).filter(\.$formKey == form).first()
    }

    static func storedFields(_ draft: DraftModel?) throws -> [String: [String]] {
        let json = try #require(draft?.fieldsJSON)
        return try JSONDecoder().decode([String: [String]].self, from: Data(json.utf8))
    }

    @Test("A draft is stored without passwords or the CSRF token, and prefills its owner's form")
    func savedAndRestored() async throws {
        try await withTendApp { app in
            let user = try await Fixtures.user(.participant, email: "sam@example.org", on: app)
            let sam = try await ParticipantFixtures.signIn(user, on: app)
            let page = try await sam.get("/my/data")
            #expect(page.text.contains("data-autosave=\"deletion-request\""))
            #expect(page.text.contains("data-autosave-url=\"/my/drafts/deletion-request\""))

            let saved = try await sam.post(Self.draftPath, [
                "note": "Please call me first <b>",
                "password": "my secret words",
                "confirm": "my secret words",
                "new-password": "another",
            ])
            #expect(saved.status == .ok)
            #expect(saved.headers.contentType == .json)
            #expect(saved.text.contains("\"saved\":true"))
            #expect(!saved.text.contains("Please call me first"), "the answer never echoes the text")

            let fields = try Self.storedFields(try await Self.draft(of: user, on: app))
            #expect(fields == ["note": ["Please call me first <b>"]])

            let again = try await sam.get("/my/data")
            #expect(again.text.contains(">Please call me first &lt;b&gt;</textarea>"))
            #expect(!again.text.contains("my secret words"))

            // Saving again replaces the draft: one row per person and form.
            try await sam.post(Self.draftPath, ["note": "Changed my mind about the call"])
            #expect(try await DraftModel.query(on: app.db).count() == 1)
            #expect(try Self.storedFields(try await Self.draft(of: user, on: app)) == ["note": ["Changed my mind about the call"]])
        }
    }

    @Test("Another participant never sees someone else's draft")
    func privateToOwner() async throws {
        try await withTendApp { app in
            let samUser = try await Fixtures.user(.participant, email: "sam@example.org", on: app)
            let kimUser = try await Fixtures.user(.participant, email: "kim@example.org", on: app)
            let sam = try await ParticipantFixtures.signIn(samUser, on: app)
            let kim = try await ParticipantFixtures.signIn(kimUser, on: app)
            try await sam.get("/my/data")
            #expect(try await sam.post(Self.draftPath, ["note": "Sam's private words"]).status == .ok)

            let kimPage = try await kim.get("/my/data")
            #expect(kimPage.status == .ok)
            #expect(!kimPage.text.contains("Sam&#39;s private words") && !kimPage.text.contains("Sam's private words"))

            // Kim saving the same form key stores Kim's own draft and leaves Sam's alone.
            try await kim.post(Self.draftPath, ["note": "Kim's words"])
            #expect(try Self.storedFields(try await Self.draft(of: samUser, on: app)) == ["note": ["Sam's private words"]])
            #expect(try Self.storedFields(try await Self.draft(of: kimUser, on: app)) == ["note": ["Kim's words"]])
            let samPage = try await sam.get("/my/data")
            #expect(!samPage.text.contains("Kim"))
        }
    }

    @Test("Saving a draft needs the session's CSRF token and a signed-in person")
    func csrfAndSignInRequired() async throws {
        try await withTendApp { app in
            let user = try await Fixtures.user(.participant, on: app)
            let browser = try await ParticipantFixtures.signIn(user, on: app)
            try await browser.get("/my/data")
            let missing = try await browser.post(Self.draftPath, ["note": "no token"], csrf: "")
            #expect(missing.status == .forbidden)
            let wrong = try await browser.post(Self.draftPath, ["note": "wrong token"], csrf: "not-the-token")
            #expect(wrong.status == .forbidden)
            #expect(try await DraftModel.query(on: app.db).count() == 0)

            let anonymous = Browser(app)
            try await anonymous.get("/login")
            let signedOut = try await anonymous.post(Self.draftPath, ["note": "who am I"])
            #expect(signedOut.status == .found)
            #expect(signedOut.location?.hasPrefix("/login") == true)
            #expect(try await DraftModel.query(on: app.db).count() == 0)
        }
    }

    @Test("A bad form name, too many fields or too much text gets a clear message and stores nothing")
    func limits() async throws {
        try await withTendApp { app in
            let user = try await Fixtures.user(.participant, on: app)
            let browser = try await ParticipantFixtures.signIn(user, on: app)
            try await browser.get("/my/data")

            let badKey = try await browser.post("/my/drafts/Bad_Key", ["note": "x"])
            #expect(badKey.status == .badRequest)
            #expect(badKey.text.contains("lower-case letters, digits or hyphens"))

            var many: [String: String] = [:]
            for index in 0...Drafts.maximumFields { many["field\(index)"] = "x" }
            let tooMany = try await browser.post(Self.draftPath, many)
            #expect(tooMany.status == .badRequest)
            #expect(tooMany.text.contains("at most \(Drafts.maximumFields) fields; this one had \(Drafts.maximumFields + 1)"))

            let long = try await browser.post(Self.draftPath, ["note": String(repeating: "a", count: 40 * 1024)])
            #expect(long.status == .payloadTooLarge)
            #expect(long.text.contains("the server keeps at most 32 KB for one form. Your text is still kept on this device."))

            let huge = try await browser.post(Self.draftPath, ["note": String(repeating: "a", count: 70 * 1024)])
            #expect(huge.status == .payloadTooLarge)
            #expect(try await DraftModel.query(on: app.db).count() == 0)
        }
    }

    @Test("Drafts expire after 30 days: not restored, and removed")
    func expiry() async throws {
        try await withTendApp { app in
            let hand = ParticipantFixtures.clock(app, at: "2026-03-02T09:00:00Z")
            let user = try await Fixtures.user(.participant, on: app)
            let browser = try await ParticipantFixtures.signIn(user, on: app)
            try await browser.get("/my/data")
            try await browser.post(Self.draftPath, ["note": "An old thought"])

            try await ParticipantFixtures.travel(hand, to: "2026-03-31T09:00:00Z", browser)
            #expect(try await browser.get("/my/data").text.contains("An old thought"), "29 days on, it is still there")

            try await ParticipantFixtures.travel(hand, to: "2026-04-02T09:00:00Z", browser)
            #expect(!(try await browser.get("/my/data").text.contains("An old thought")))
            #expect(try await DraftModel.query(on: app.db).count() == 0)

            // Saving any draft also sweeps other people's expired ones.
            let other = try await Fixtures.user(.participant, email: "other@example.org", on: app)
            try await DraftModel(userID: other.requireID(), formKey: "practice-log", fieldsJSON: "{}",
                                 updatedAt: ParticipantFixtures.instant("2026-01-01T00:00:00Z")).create(on: app.db)
            try await browser.get("/my/data")
            try await browser.post(Self.draftPath, ["note": "A new thought"])
            #expect(try await DraftModel.query(on: app.db).count() == 1)
        }
    }

    @Test("A validation error keeps the draft; a successful send deletes it and tells the browser to forget its copy")
    func clearedOnSuccess() async throws {
        try await withTendApp { app in
            let user = try await Fixtures.user(.participant, on: app)
            let browser = try await ParticipantFixtures.signIn(user, on: app)
            try await browser.get("/my/data")
            try await browser.post(Self.draftPath, ["note": "Please delete everything"])

            let wrong = try await browser.post("/my/data/deletion-request", ["note": "Please delete everything", "password": "not it"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains(">Please delete everything</textarea>"))
            #expect(wrong.headers.setCookie?[Drafts.clearCookieName] == nil)
            #expect(try await Self.draft(of: user, on: app) != nil)

            let sent = try await browser.post("/my/data/deletion-request", ["note": "Please delete everything", "password": Fixtures.password])
            #expect(sent.status == .seeOther)
            let cookie = try #require(sent.headers.setCookie?[Drafts.clearCookieName])
            #expect(cookie.string == Self.form)
            #expect(cookie.isHTTPOnly == false)
            #expect(try await Self.draft(of: user, on: app) == nil)
        }
    }

    @Test("autosave.js is served as a file, and autosaving pages load it without inline script")
    func scriptServed() async throws {
        try await withTendApp { app in
            let script = try await app.testing().sendRequest(.GET, "/autosave.js")
            #expect(script.status == .ok)
            #expect(script.body.string.contains("form[data-autosave]"))
            #expect(script.body.string.contains("\"password\""))

            let user = try await Fixtures.user(.participant, on: app)
            let browser = try await ParticipantFixtures.signIn(user, on: app)
            let page = try await browser.get("/my/data").text
            #expect(page.contains("<script src=\"/autosave.js\" defer=\"defer\"></script>"))
            #expect(page.components(separatedBy: "<script").count == page.components(separatedBy: "<script src=").count)
            #expect(page.contains("data-autosave-status=\"\" role=\"status\" aria-live=\"polite\""))
            // The password field is rendered empty, whatever was sent.
            #expect(page.contains("type=\"password\" autocomplete=\"current-password\""))
        }
    }
}

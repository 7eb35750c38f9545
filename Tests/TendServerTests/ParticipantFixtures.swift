import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// Groups in each delivery mode, invitation links and participants who have joined, at instants set on
/// the app's clock.
enum ParticipantFixtures {
    /// A weekly group: first meeting Tuesday 3 March 2026 at 18:30 London time (GMT), then weekly.
    static let meetingGroup: [String: String] = [
        "name": "Tuesday evening group",
        "programme": "compassionate-living-pain/eight-session",
        "startDate": "2026-03-02",
        "weekday": "2",
        "time": "18:30",
        "timeZone": "Europe/London",
        "callLink": "https://meet.example.org/room-7",
    ]

    /// A weekly self-help cohort opening on Monday 2 March 2026.
    static let selfHelpGroup: [String: String] = [
        "name": "Spring self-help cohort",
        "programme": "self-compassion-four-week/four-week",
        "startDate": "2026-03-02",
        "weekday": "1",
        "timeZone": "Europe/London",
    ]

    /// A daily-practice cohort opening on Monday 2 March 2026.
    static let dailyGroup: [String: String] = [
        "name": "Daily practice cohort",
        "programme": "compassionate-mind-pain-online/three-week",
        "startDate": "2026-03-02",
        "timeZone": "Europe/London",
    ]

    static let password = "a calm long password"

    static func instant(_ iso: String) -> Date {
        ISO8601DateFormatter().date(from: iso)!
    }

    /// Puts a settable clock on the app at `iso` and returns its hand.
    @discardableResult
    static func clock(_ app: Application, at iso: String) -> SettableClock {
        let (clock, hand) = Clock.settable(instant(iso))
        app.clock = clock
        return hand
    }

    /// Moves the clock to `iso` and signs `browsers` in again: days later their sessions have ended (idle
    /// timeout and maximum age run on the same clock), as a real person's would.
    static func travel(_ hand: SettableClock, to iso: String, _ browsers: Browser...) async throws {
        hand.set(instant(iso))
        for browser in browsers { try await browser.signInAgain() }
    }

    /// Signs in an existing user in a fresh browser.
    static func signIn(_ user: UserModel, on app: Application) async throws -> Browser {
        let browser = Browser(app)
        try await browser.get("/login")
        let response = try await browser.post("/login", ["email": user.email, "password": Fixtures.password])
        #expect(response.status == .seeOther)
        try await browser.get(response.location ?? "/")
        return browser
    }

    /// Creates a group as `staff` and returns its id.
    static func createGroup(_ staff: Browser, _ form: [String: String]) async throws -> UUID {
        try await staff.get("/groups/new")
        let response = try await staff.post("/groups", form)
        #expect(response.status == .seeOther, "group not created: \(response.text.prefix(0))")
        let location = try #require(response.location)
        return try #require(UUID(uuidString: String(location.dropFirst("/groups/".count))))
    }

    /// The `/join/…` path in a page that shows a link just created.
    static func joinPath(in page: String) throws -> String {
        let start = try #require(page.range(of: "/join/"))
        let rest = page[start.lowerBound...]
        return String(rest[..<rest.firstIndex(of: "\"")!])
    }

    /// Adds a roster member with an invitation link in one step; returns the link's path.
    static func addAndInvite(_ staff: Browser, group: UUID, name: String, code: String) async throws -> String {
        let path = "/groups/" + group.uuidString.lowercased()
        try await staff.get(path)
        let response = try await staff.post(path + "/roster", ["displayName": name, "studyCode": code, "invite": "yes"])
        #expect(response.status == .created)
        #expect(response.text.contains("Invitation link created"))
        return try joinPath(in: response.text)
    }

    /// Opens the link and creates the account; returns the signed-in browser.
    static func join(_ app: Application, _ path: String, email: String, extra: [String: String] = [:]) async throws -> Browser {
        let browser = Browser(app)
        let page = try await browser.get(path)
        #expect(page.status == .ok)
        var form = ["email": email, "password": password, "confirm": password]
        for (key, value) in extra { form[key] = value }
        let response = try await browser.post(path, form)
        #expect(response.status == .seeOther, "join failed: \(response.status)")
        #expect(response.location == "/")
        return browser
    }

    /// A facilitator, their group in `form`'s mode, and one participant who joined at `joinedAt`.
    static func enrolled(_ app: Application, group form: [String: String], joinedAt iso: String, name: String = "Sam",
                         email: String = "sam@example.org", extra: [String: String] = [:])
        async throws -> (facilitator: Browser, group: UUID, participant: Browser, clock: SettableClock) {
        let hand = clock(app, at: iso)
        let facilitator = try await Fixtures.signedIn(.facilitator, on: app)
        let group = try await createGroup(facilitator, form)
        let path = try await addAndInvite(facilitator, group: group, name: name, code: "P-\(name.uppercased())")
        let participant = try await join(app, path, email: email, extra: extra)
        return (facilitator, group, participant, hand)
    }
}

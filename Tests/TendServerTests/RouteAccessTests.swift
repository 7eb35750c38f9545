import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// Every route, as every kind of visitor: the status each one gets.
@Suite("Route access by role")
struct RouteAccessTests {
    enum Visitor: String, CaseIterable, Sendable {
        case anonymous, participant, facilitator, researcher, admin

        var role: Role? { Role(rawValue: rawValue) }
    }

    enum Expected: Equatable, CustomStringConvertible {
        case ok
        case toLogin
        case toHome
        case forbidden
        case notFound

        var description: String {
            switch self {
            case .ok: return "200"
            case .toLogin: return "302 to /login"
            case .toHome: return "302 to /"
            case .forbidden: return "403"
            case .notFound: return "404"
            }
        }
    }

    struct Case: Sendable, CustomStringConvertible {
        var method: HTTPMethod
        var path: String
        var form: [String: String] = [:]
        var expected: @Sendable (Visitor) -> Expected

        var description: String { "\(method.rawValue) \(path)" }
    }

    /// Pages for everyone who is signed in.
    static func signedIn(_ visitor: Visitor) -> Expected { visitor == .anonymous ? .toLogin : .ok }
    static func adminOnly(_ visitor: Visitor) -> Expected {
        switch visitor {
        case .anonymous: return .toLogin
        case .admin: return .ok
        default: return .forbidden
        }
    }

    /// Facilitators (their own groups) and admins (all groups).
    static func groupStaff(_ visitor: Visitor) -> Expected {
        switch visitor {
        case .anonymous: return .toLogin
        case .facilitator, .admin: return .ok
        default: return .forbidden
        }
    }

    static let cases: [Case] = [
        Case(method: .GET, path: "/", expected: signedIn),
        Case(method: .GET, path: "/login", expected: { $0 == .anonymous ? .ok : .toHome }),
        Case(method: .GET, path: "/logout", expected: signedIn),
        Case(method: .GET, path: "/admin/audit", expected: adminOnly),
        Case(method: .GET, path: "/groups", expected: groupStaff),
        Case(method: .GET, path: "/groups/new", expected: groupStaff),
        Case(method: .GET, path: "/media", expected: groupStaff),
        Case(method: .POST, path: "/admin/invitations", form: ["email": "someone@example.org", "role": "researcher"], expected: adminOnly),
        Case(method: .GET, path: "/healthz", expected: { _ in .ok }),
        // In-process test requests have no client address: not loopback, and no token is configured.
        Case(method: .GET, path: "/metrics", expected: { _ in .notFound }),
        Case(method: .GET, path: "/admin/people", expected: adminOnly),
        Case(method: .GET, path: "/admin/audit.csv", expected: adminOnly),
        // An unknown account: only an admin learns that it does not exist.
        Case(method: .POST, path: "/accounts/\(UUID().uuidString.lowercased())/reset-link", expected: { visitor in
            switch visitor {
            case .anonymous: return .toLogin
            case .admin: return .notFound
            default: return .forbidden
            }
        }),
        Case(method: .GET, path: "/tend.css", expected: { _ in .ok }),
        Case(method: .GET, path: "/robots.txt", expected: { _ in .ok }),
        // A participant's own pages: staff never reach them; a participant on no roster has nothing there.
        Case(method: .GET, path: "/my/welcome", expected: participantOnNoRoster),
        Case(method: .GET, path: "/my/sessions/1", expected: participantOnNoRoster),
        Case(method: .GET, path: "/my/handouts/practice-log", expected: participantOnNoRoster),
        Case(method: .GET, path: "/my/handouts/practice-log/pdf", expected: participantOnNoRoster),
        // The breathing pacer (staff see it as a preview), a participant's own data, and the deletion requests.
        Case(method: .GET, path: "/my/pacer", expected: signedIn),
        Case(method: .GET, path: "/pacer.js", expected: { _ in .ok }),
        Case(method: .GET, path: "/autosave.js", expected: { _ in .ok }),
        Case(method: .GET, path: "/my/data", expected: { visitor in
            switch visitor {
            case .anonymous: return .toLogin
            case .participant: return .ok
            default: return .forbidden
            }
        }),
        Case(method: .GET, path: "/admin/deletion-requests", expected: adminOnly),
        // Staff previews of a group that does not exist.
        Case(method: .GET, path: "/groups/\(UUID().uuidString.lowercased())/sessions/1", expected: unknownGroup),
        Case(method: .GET, path: "/groups/\(UUID().uuidString.lowercased())/handouts/practice-log", expected: unknownGroup),
        Case(method: .GET, path: "/groups/\(UUID().uuidString.lowercased())/handouts/practice-log/pdf", expected: unknownGroup),
        // Check-ins and the group at a glance.
        Case(method: .GET, path: "/my/check-ins", expected: participantOnNoRoster),
        Case(method: .GET, path: "/groups/\(UUID().uuidString.lowercased())/check-ins", expected: unknownGroup),
        Case(method: .GET, path: "/groups/\(UUID().uuidString.lowercased())/overview", expected: unknownGroup),
        Case(method: .GET, path: "/groups/\(UUID().uuidString.lowercased())/flag-settings", expected: unknownGroup),
    ]

    static func participantOnNoRoster(_ visitor: Visitor) -> Expected {
        switch visitor {
        case .anonymous: return .toLogin
        case .participant: return .notFound
        default: return .forbidden
        }
    }

    static func unknownGroup(_ visitor: Visitor) -> Expected {
        switch visitor {
        case .anonymous: return .toLogin
        case .facilitator, .admin: return .notFound
        default: return .forbidden
        }
    }

    @Test("Each route gives each visitor the right status", arguments: Visitor.allCases)
    func access(_ visitor: Visitor) async throws {
        try await withTendApp { app in
            let browser: Browser
            if let role = visitor.role {
                browser = try await Fixtures.signedIn(role, on: app)
            } else {
                browser = Browser(app)
                try await browser.get("/login")  // an anonymous session with a CSRF token
            }
            for route in Self.cases {
                let response = route.method == .POST
                    ? try await browser.post(route.path, route.form)
                    : try await browser.get(route.path)
                let expected = route.expected(visitor)
                switch expected {
                case .ok:
                    #expect(response.status == .ok, "\(route) as \(visitor): expected \(expected), got \(response.status.code)")
                case .toLogin:
                    #expect(response.status == .found && response.location?.hasPrefix("/login") == true,
                            "\(route) as \(visitor): expected \(expected), got \(response.status.code) \(response.location ?? "")")
                case .toHome:
                    #expect(response.status == .found && response.location == "/",
                            "\(route) as \(visitor): expected \(expected), got \(response.status.code) \(response.location ?? "")")
                case .forbidden:
                    #expect(response.status == .forbidden, "\(route) as \(visitor): expected \(expected), got \(response.status.code)")
                    #expect(response.text.contains("You do not have access to this page"))
                case .notFound:
                    #expect(response.status == .notFound, "\(route) as \(visitor): expected \(expected), got \(response.status.code)")
                }
            }
        }
    }

    @Test("Token pages answer 404 for unknown tokens, whoever asks", arguments: Visitor.allCases)
    func tokenPages(_ visitor: Visitor) async throws {
        try await withTendApp { app in
            var browser = Browser(app)
            if let role = visitor.role { browser = try await Fixtures.signedIn(role, on: app) }
            #expect(try await browser.get("/setup/nope").status == .notFound)
            #expect(try await browser.get("/invitations/nope").status == .notFound)
            #expect(try await browser.get("/password-reset/nope").status == .notFound)
            #expect(try await browser.get("/no/such/page").status == .notFound)
        }
    }

    @Test("Each role's home page says who they are")
    func homePerRole() async throws {
        try await withTendApp { app in
            for role in Role.allCases {
                let home = try await Fixtures.signedIn(role, on: app).get("/")
                #expect(home.status == .ok)
                switch role {
                case .admin:
                    #expect(home.text.contains("Invite a member of staff"))
                    #expect(home.text.contains("View the audit trail"))
                default:
                    #expect(home.text.contains("What will appear here"))
                    #expect(!home.text.contains("Invite a member of staff"))
                }
            }
        }
    }
}

import Fluent
import FluentPostgresDriver
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// Runs `test` against a freshly configured and migrated app: a private in-memory SQLite database,
/// or, when `TEND_TEST_POSTGRES_URL` is set, a new PostgreSQL database created for this test and
/// dropped afterwards (so tests can run in parallel on one server).
func withTendApp(
    _ adjust: (inout ServerConfiguration) -> Void = { _ in },
    _ test: (Application) async throws -> Void
) async throws {
    try await TestDatabase.withDatabase { location in
        var configuration = ServerConfiguration.testing(database: location)
        adjust(&configuration)
        try await withApp(configure: { app in
            try await configure(app, configuration)
            try await app.autoMigrate()
        }) { app in
            try await test(app)
        }
    }
}

enum TestDatabase {
    static var postgresURL: String? {
        guard let url = ProcessInfo.processInfo.environment["TEND_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
        return url
    }

    static func withDatabase(_ body: (ServerConfiguration.DatabaseLocation) async throws -> Void) async throws {
        guard let base = postgresURL else {
            try await body(.sqliteMemory)
            return
        }
        let name = "tend_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await execute("CREATE DATABASE \(name)", on: base)
        var components = URLComponents(string: base)!
        components.path = "/" + name
        do {
            try await body(.postgres(url: components.string!))
        } catch {
            try? await execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: base)
            throw error
        }
        try await execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: base)
    }

    private static func execute(_ statement: String, on url: String) async throws {
        let app = try await Application.make(.testing)
        do {
            app.databases.use(try .postgres(url: url, sqlLogLevel: .trace), as: .psql)
            try await (app.db as! any SQLDatabase).raw(SQLQueryString(statement)).run()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

/// A minimal browser: keeps cookies between requests and reads the CSRF token from the last form.
final class Browser {
    let app: Application
    var cookies: [String: String] = [:]
    var csrf: String?
    var headers: HTTPHeaders = [:]
    /// The e-mail and password of the last form posted with both (a sign-in, a join, a setup), so a test
    /// that moves the clock past the session's lifetime can sign in again as the same person.
    private(set) var credentials: (email: String, password: String)?

    init(_ app: Application) { self.app = app }

    /// Starts a new session as the same person (after a test moved the clock past the old one's end).
    func signInAgain() async throws {
        guard let credentials else { return }
        cookies = [:]
        csrf = nil
        try await get("/login")
        let response = try await post("/login", ["email": credentials.email, "password": credentials.password])
        #expect(response.status == .seeOther, "signing in again failed: \(response.status)")
    }

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        try await send(.GET, path, body: nil)
    }

    /// Posts a form. The CSRF token from the last page is added unless `csrf` is given (use "" to omit it).
    @discardableResult
    func post(_ path: String, _ form: [String: String], csrf: String? = nil) async throws -> TestingHTTPResponse {
        var fields = form
        if let email = form["email"], let password = form["password"], !email.isEmpty, !password.isEmpty {
            credentials = (email, password)
        }
        let token = csrf ?? self.csrf ?? ""
        if !token.isEmpty { fields[CSRF.fieldName] = token }
        let encoded = fields.sorted { $0.key < $1.key }
            .map { Self.formEncode($0.key) + "=" + Self.formEncode($0.value) }
            .joined(separator: "&")
        return try await send(.POST, path, body: encoded)
    }

    private func send(_ method: HTTPMethod, _ path: String, body: String?) async throws -> TestingHTTPResponse {
        var requestHeaders = headers
        if !cookies.isEmpty {
            requestHeaders.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        var buffer: ByteBuffer?
        if let body {
            requestHeaders.contentType = .urlEncodedForm
            buffer = ByteBuffer(string: body)
        }
        let response = try await app.testing().sendRequest(method, path, headers: requestHeaders, body: buffer)
        if let set = response.headers.setCookie {
            for (name, value) in set.all {
                if value.string.isEmpty || (value.expires.map { $0 < Date() } ?? false) || value.maxAge == 0 {
                    cookies[name] = nil
                } else {
                    cookies[name] = value.string
                }
            }
        }
        if let token = Self.csrfToken(in: response.body.string) { csrf = token }
        return response
    }

    static func csrfToken(in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(CSRF.fieldName)\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text).replacingOccurrences(of: "%20", with: "+")
    }
}

enum Fixtures {
    static let password = "correct horse battery"

    /// Creates a user directly in the database.
    @discardableResult
    static func user(_ role: Role, email: String? = nil, name: String? = nil, on app: Application) async throws -> UserModel {
        let hash = try await app.password.async.hash(password).get()
        let user = UserModel(email: email ?? "\(role.rawValue)@example.org", name: name ?? "Test \(role.displayName)",
                             role: role, passwordHash: hash)
        try await user.create(on: app.db)
        return user
    }

    /// A browser signed in as a new user with `role`.
    static func signedIn(_ role: Role, on app: Application) async throws -> Browser {
        let user = try await user(role, on: app)
        let browser = Browser(app)
        try await browser.get("/login")
        let response = try await browser.post("/login", ["email": user.email, "password": password])
        #expect(response.status == .seeOther, "sign-in as \(role) should redirect")
        // Follow the redirect, as a browser would: the new page carries the new session's CSRF token.
        try await browser.get(response.location ?? "/")
        return browser
    }
}

extension TestingHTTPResponse {
    var location: String? { headers.first(name: .location) }
    var text: String { body.string }
}

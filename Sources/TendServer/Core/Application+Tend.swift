import Vapor

extension Application {
    private struct ConfigurationKey: StorageKey { typealias Value = ServerConfiguration }
    private struct MetricsKey: StorageKey { typealias Value = ServerMetrics }
    private struct DummyHashKey: StorageKey { typealias Value = String }

    /// The configuration `configure(_:_:)` was given.
    var tend: ServerConfiguration {
        get {
            guard let value = storage[ConfigurationKey.self] else { fatalError("configure(_:_:) has not run") }
            return value
        }
        set { storage[ConfigurationKey.self] = newValue }
    }

    /// Request counters and latency histograms for `/metrics`.
    var serverMetrics: ServerMetrics {
        get {
            guard let value = storage[MetricsKey.self] else { fatalError("configure(_:_:) has not run") }
            return value
        }
        set { storage[MetricsKey.self] = newValue }
    }

    /// A bcrypt digest of a random password, verified against when an e-mail has no account so that
    /// a failed sign-in takes the same time whether or not the account exists.
    var dummyPasswordHash: String {
        get { storage[DummyHashKey.self] ?? "" }
        set { storage[DummyHashKey.self] = newValue }
    }
}

extension Request {
    /// The signed-in person, if any (set by ``CurrentUserMiddleware``).
    var user: UserModel? { auth.get(UserModel.self) }

    var viewer: Viewer? { user.map { Viewer(name: $0.name, role: $0.role) } }

    /// The client's address for throttling: the socket peer, or the first `X-Forwarded-For` entry
    /// when `TEND_TRUST_FORWARDED_FOR` is on.
    var clientAddress: String {
        if application.tend.trustForwardedFor,
           let forwarded = headers.first(name: "X-Forwarded-For")?.split(separator: ",").first {
            let value = forwarded.trimmingCharacters(in: .whitespaces)
            if !value.isEmpty { return value }
        }
        return remoteAddress?.ipAddress ?? "unknown"
    }

    /// Unix time in whole seconds.
    var nowSeconds: Int64 { Int64(Date().timeIntervalSince1970) }
}

extension UserModel: Authenticatable {}

extension Response {
    /// An HTML page. Pages can show personal data, so they are never cached.
    static func html(_ body: String, status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: status, headers: headers, body: .init(string: body))
    }

    /// `302 Found`: where an anonymous visitor is sent to sign in.
    static func found(_ location: String) -> Response {
        let response = Response(status: .found)
        response.headers.replaceOrAdd(name: .location, value: location)
        return response
    }

    /// `303 See Other`: after a successful POST.
    static func seeOther(_ location: String) -> Response {
        let response = Response(status: .seeOther)
        response.headers.replaceOrAdd(name: .location, value: location)
        return response
    }
}

/// An error that has its own page (gone setup link, used invitation, …).
struct PageError: AbortError {
    var status: HTTPResponseStatus
    var content: ErrorPages.Content

    var reason: String { content.title }

    static func notFound(_ content: ErrorPages.Content = ErrorPages.notFound) -> PageError { PageError(status: .notFound, content: content) }
    static func gone(_ content: ErrorPages.Content) -> PageError { PageError(status: .gone, content: content) }
    static let forbidden = PageError(status: .forbidden, content: ErrorPages.forbidden)
    static let csrf = PageError(status: .forbidden, content: ErrorPages.csrf)
}

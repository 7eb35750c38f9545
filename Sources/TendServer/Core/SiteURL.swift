import Foundation
import Vapor

/// A path parameter: `.key` when registering a route, `.value(x)` when building a link.
enum Parameter<Value: Sendable>: Sendable {
    case key
    case value(Value)
}

/// Every page and endpoint of the server, in one place: routes are registered from these cases and
/// links are built from them, so a link can never point at a route that does not exist.
enum SiteURL: Sendable {
    case home
    case login
    case logout
    case setup(Parameter<String>)
    case invitation(Parameter<String>)
    case adminInvitations
    case adminAudit
    /// A facilitator's groups (all groups for an admin), and the form to start one.
    case groups
    case newGroup
    case group(Parameter<UUID>)
    case groupRoster(Parameter<UUID>)
    case groupAttendance(Parameter<UUID>, Parameter<Int>)
    /// The delivery outbox: counts by status, dead letters, and retrying one.
    case adminOutbox
    case adminOutboxRetry(Parameter<UUID>)
    case healthz
    case metrics
    case stylesheet

    /// The name the token parameter is registered under.
    static let tokenKey = "token"
    /// The names the group id and the session position are registered under.
    static let groupKey = "group"
    static let sessionKey = "session"
    static let outboxItemKey = "item"

    /// The absolute path, starting with `/`, for links and redirects.
    var path: String {
        "/" + components.map { component -> String in
            switch component {
            case .literal(let text): return text
            case .parameter(_, let value): return value
            }
        }.joined(separator: "/")
    }

    /// The path as Vapor registers it.
    var pathComponents: [PathComponent] {
        components.map { component in
            switch component {
            case .literal(let text): return .constant(text)
            case .parameter(let key, _): return .parameter(key)
            }
        }
    }

    /// The route pattern used in metrics and logs: tokens never appear there.
    var routePattern: String {
        "/" + pathComponents.map(\.description).joined(separator: "/")
    }

    private enum Component {
        case literal(String)
        /// The registered name and the text in a built link (`:name` when registering).
        case parameter(String, String)
    }

    private var components: [Component] {
        func token(_ parameter: Parameter<String>) -> Component {
            switch parameter {
            case .key: return .parameter(Self.tokenKey, ":" + Self.tokenKey)
            case .value(let value):
                return .parameter(Self.tokenKey, value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? value)
            }
        }
        func group(_ parameter: Parameter<UUID>) -> Component {
            switch parameter {
            case .key: return .parameter(Self.groupKey, ":" + Self.groupKey)
            case .value(let id): return .parameter(Self.groupKey, id.uuidString.lowercased())
            }
        }
        func session(_ parameter: Parameter<Int>) -> Component {
            switch parameter {
            case .key: return .parameter(Self.sessionKey, ":" + Self.sessionKey)
            case .value(let number): return .parameter(Self.sessionKey, String(number))
            }
        }
        switch self {
        case .home: return []
        case .login: return [.literal("login")]
        case .logout: return [.literal("logout")]
        case .setup(let parameter): return [.literal("setup"), token(parameter)]
        case .invitation(let parameter): return [.literal("invitations"), token(parameter)]
        case .adminInvitations: return [.literal("admin"), .literal("invitations")]
        case .adminAudit: return [.literal("admin"), .literal("audit")]
        case .groups: return [.literal("groups")]
        case .newGroup: return [.literal("groups"), .literal("new")]
        case .group(let id): return [.literal("groups"), group(id)]
        case .groupRoster(let id): return [.literal("groups"), group(id), .literal("roster")]
        case .groupAttendance(let id, let position):
            return [.literal("groups"), group(id), .literal("sessions"), session(position), .literal("attendance")]
        case .adminOutbox: return [.literal("admin"), .literal("outbox")]
        case .adminOutboxRetry(let parameter):
            let item: Component
            switch parameter {
            case .key: item = .parameter(Self.outboxItemKey, ":" + Self.outboxItemKey)
            case .value(let id): item = .parameter(Self.outboxItemKey, id.uuidString.lowercased())
            }
            return [.literal("admin"), .literal("outbox"), item, .literal("retry")]
        case .healthz: return [.literal("healthz")]
        case .metrics: return [.literal("metrics")]
        case .stylesheet: return [.literal("tend.css")]
        }
    }

    /// An absolute URL on the configured base, for links printed on the console or shown to copy.
    func absolute(on base: URL) -> String {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text + path
    }
}

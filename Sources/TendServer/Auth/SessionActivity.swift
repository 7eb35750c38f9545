import Vapor

/// The idle timeout: a signed-in session unused for longer than ``idleTimeout`` is ended.
///
/// Activity is recorded in the session itself (`last_seen`, Unix seconds), refreshed at most once per
/// ``refreshInterval`` so that page views stay free of database writes; the session store writes only
/// changed sessions (``QuietSessionDriver``). Because of that granularity a session can end up to one
/// refresh interval before the full idle time has passed since the very last request.
struct SessionActivity: Sendable, Equatable {
    /// Seconds without recorded activity after which a session is ended.
    let idleTimeout: TimeInterval

    /// The default idle timeout: 60 minutes.
    static let defaultIdleTimeout: TimeInterval = 60 * 60

    /// The query flag that tells the sign-in page to explain a timed-out session.
    static let timedOutQueryKey = "timed_out"

    struct TimedOutKey: StorageKey { typealias Value = Bool }

    /// How often `last_seen` is rewritten while a session is in use: every 5 minutes, or a fifth of
    /// the idle timeout when that is shorter.
    var refreshInterval: Int64 { max(1, min(5 * 60, Int64(idleTimeout / 5))) }

    enum Decision: Sendable, Equatable {
        /// Older than ``SignIn/maximumSessionAge`` (or signed in "in the future": a clock change).
        case expired
        /// Unused for longer than the idle timeout.
        case idle
        /// Still good; `refresh` says whether `last_seen` should be rewritten now.
        case active(refresh: Bool)
    }

    /// `lastSeen` nil (sessions from before the idle timeout existed) counts from sign-in.
    func decide(now: Int64, signedInAt: Int64, lastSeen: Int64?) -> Decision {
        let age = now - signedInAt
        if age < 0 || TimeInterval(age) > SignIn.maximumSessionAge { return .expired }
        let seen = lastSeen ?? signedInAt
        if TimeInterval(now - seen) > idleTimeout { return .idle }
        return .active(refresh: now - seen >= refreshInterval)
    }
}

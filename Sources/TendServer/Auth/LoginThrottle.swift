import Fluent
import Foundation
import SQLKit

/// Slows down password guessing, per account and per client address.
///
/// Limits (``Limits/standard``):
/// - **per account**: 5 failed sign-ins within 15 minutes lock that account's sign-in for the rest of
///   the 15-minute window (counted from the first failure), even with the right password;
/// - **per address**: 20 failed sign-ins from one client address within 15 minutes lock sign-in from
///   that address in the same way (this catches one machine trying many accounts).
///
/// A successful sign-in clears the account's count (not the address's). Counts live in the
/// `login_throttles` table and change by single SQL statements (`INSERT … ON CONFLICT DO NOTHING`,
/// then `UPDATE … SET failures = failures + 1`), which SQLite and PostgreSQL both run atomically, so
/// several server instances sharing one database share exact counts. Keys are SHA-256 digests of the
/// normalised e-mail or of the address, so the table holds no personal data in clear.
public struct LoginThrottle: Sendable {
    public struct Limits: Sendable, Equatable {
        public var accountFailures: Int
        public var addressFailures: Int
        /// Window length in seconds.
        public var window: Int64

        public init(accountFailures: Int, addressFailures: Int, window: Int64) {
            self.accountFailures = accountFailures
            self.addressFailures = addressFailures
            self.window = window
        }

        public static let standard = Limits(accountFailures: 5, addressFailures: 20, window: 15 * 60)
    }

    enum Key: Sendable, Equatable {
        case account(email: String)
        case address(String)

        var stored: String {
            switch self {
            case .account(let email): return "account:" + SecretToken.digest(UserModel.normalise(email: email))
            case .address(let address): return "address:" + SecretToken.digest(address)
            }
        }
    }

    /// Whether sign-in is blocked, and until when.
    struct Decision: Sendable, Equatable {
        var blockedUntil: Int64?
        var isBlocked: Bool { blockedUntil != nil }
    }

    let limits: Limits

    func limit(for key: Key) -> Int {
        switch key {
        case .account: return limits.accountFailures
        case .address: return limits.addressFailures
        }
    }

    /// Checks the keys before any password is verified.
    func check(_ keys: [Key], now: Int64, on database: any Database) async throws -> Decision {
        let stored = keys.map(\.stored)
        let rows = try await LoginThrottleModel.query(on: database).filter(\.$key ~~ stored).all()
        var until: Int64?
        for key in keys {
            guard let row = rows.first(where: { $0.key == key.stored }) else { continue }
            let end = row.windowStartedAt + limits.window
            if row.failures >= limit(for: key), now < end {
                until = max(until ?? end, end)
            }
        }
        return Decision(blockedUntil: until)
    }

    /// Counts one failure against every key.
    func recordFailure(_ keys: [Key], now: Int64, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let cutoff = now - limits.window
        for key in keys {
            try await sql.raw("""
                INSERT INTO login_throttles (id, throttle_key, failures, window_started_at) \
                VALUES (\(bind: UUID()), \(bind: key.stored), 0, \(bind: now)) \
                ON CONFLICT (throttle_key) DO NOTHING
                """).run()
            try await sql.raw("""
                UPDATE login_throttles SET \
                failures = CASE WHEN window_started_at <= \(bind: cutoff) THEN 1 ELSE failures + 1 END, \
                window_started_at = CASE WHEN window_started_at <= \(bind: cutoff) THEN \(bind: now) ELSE window_started_at END \
                WHERE throttle_key = \(bind: key.stored)
                """).run()
        }
    }

    /// Clears the count for a key (after a successful sign-in).
    func reset(_ key: Key, on database: any Database) async throws {
        try await LoginThrottleModel.query(on: database).filter(\.$key == key.stored).delete()
    }
}

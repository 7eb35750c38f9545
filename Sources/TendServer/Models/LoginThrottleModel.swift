import Fluent
import Foundation

/// Failed sign-in count for one key (an account or a client address, both stored only as digests).
/// Updated with single SQL statements so that several server instances share exact counts.
final class LoginThrottleModel: Model, @unchecked Sendable {
    static let schema = "login_throttles"

    // managed
    @ID(key: .id) var id: UUID?

    // data
    /// `account:<sha256 of e-mail>` or `address:<sha256 of IP>`.
    @Field(key: "throttle_key") var key: String
    @Field(key: "failures") var failures: Int
    /// Unix time (seconds) of the first failure in the current window.
    @Field(key: "window_started_at") var windowStartedAt: Int64

    init() {}
}

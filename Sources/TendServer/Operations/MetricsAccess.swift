import Vapor

/// Who may read `/metrics`. `/healthz` stays open to everyone.
///
/// - When `TEND_METRICS_TOKEN` is set: only requests with `Authorization: Bearer <token>` (compared in
///   constant time), from any address.
/// - When it is not set: only clients on a loopback address (`127.0.0.0/8`, `::1`), and only when the
///   request did not come through a proxy: it carries no `Forwarded`, `X-Forwarded-For` or `X-Real-IP`
///   header and `TEND_TRUST_FORWARDED_FOR` is off (a proxy on the same machine would otherwise make
///   every visitor look local).
/// - Everyone else gets `404 Not Found`, as if there were no such page.
enum MetricsAccess {
    static let minimumTokenLength = 16

    static func allows(_ request: Request) -> Bool {
        let configuration = request.application.tend
        if let expected = configuration.metricsToken {
            guard let header = request.headers.first(name: .authorization) else { return false }
            let prefix = "Bearer "
            guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix.lowercased() else { return false }
            let presented = String(header.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
            return SecretToken.constantTimeEquals(presented, expected)
        }
        guard !configuration.trustForwardedFor else { return false }
        for name in ["Forwarded", "X-Forwarded-For", "X-Real-IP"] where request.headers.first(name: name) != nil {
            return false
        }
        return isLoopback(request.remoteAddress?.ipAddress)
    }

    static func isLoopback(_ address: String?) -> Bool {
        guard let address else { return false }
        if address == "::1" { return true }
        let v4 = address.hasPrefix("::ffff:") ? String(address.dropFirst("::ffff:".count)) : address
        let parts = v4.split(separator: ".")
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}

import Vapor

/// Secret tokens for one-time links (setup, invitations) and CSRF.
///
/// A token is 32 random bytes from the system's secure generator, written as base64url (43
/// characters). Only its SHA-256 digest is stored: the token has 256 bits of entropy, so a fast
/// hash is enough (a slow password hash is for low-entropy secrets), and a leaked table reveals no
/// usable link.
enum SecretToken {
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Hex SHA-256 of the token's UTF-8 bytes: what the database stores and looks up.
    static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares two strings in time that depends only on their lengths.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

import Crypto
import Foundation

/// AWS Signature Version 4 for S3 requests, sent in the `Authorization` header.
///
/// The steps follow AWS's description: a canonical request (method, URI-encoded path, sorted query,
/// lower-cased sorted headers, the signed header list and the payload's SHA-256), a string to sign
/// with the credential scope, and an HMAC-SHA256 chain that derives the signing key from the secret,
/// the date, the region and the service.
struct S3Signer: Sendable {
    var accessKeyID: String
    var secretAccessKey: String
    var region: String
    var service: String = "s3"

    static let algorithm = "AWS4-HMAC-SHA256"
    /// The payload hash of a request without a body.
    static let emptyPayloadHash = sha256Hex(Data())

    /// The headers to add to a request: `x-amz-date`, `x-amz-content-sha256` and `Authorization`.
    ///
    /// - Parameters:
    ///   - path: the absolute path, not yet percent-encoded (`/bucket/key`).
    ///   - query: query parameters, not yet percent-encoded.
    ///   - headers: the other headers to sign; `host` must be among them.
    ///   - payloadHash: hex SHA-256 of the body.
    func sign(method: String, path: String, query: [(String, String)] = [], headers: [(String, String)],
              payloadHash: String, date: Date) -> [(String, String)] {
        let stamp = Self.timestamp(date)
        let day = String(stamp.prefix(8))
        var all = headers
        all.append(("x-amz-date", stamp))
        all.append(("x-amz-content-sha256", payloadHash))
        let canonical = canonicalRequest(method: method, path: path, query: query, headers: all, payloadHash: payloadHash)
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [Self.algorithm, stamp, scope, Self.sha256Hex(Data(canonical.request.utf8))].joined(separator: "\n")
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey(day: day)))
        let authorization = "\(Self.algorithm) Credential=\(accessKeyID)/\(scope),SignedHeaders=\(canonical.signedHeaders),Signature=\(signature)"
        return [("x-amz-date", stamp), ("x-amz-content-sha256", payloadHash), ("Authorization", authorization)]
    }

    /// The canonical request and its signed-header list.
    func canonicalRequest(method: String, path: String, query: [(String, String)], headers: [(String, String)],
                          payloadHash: String) -> (request: String, signedHeaders: String) {
        let canonicalPath = path.split(separator: "/", omittingEmptySubsequences: false)
            .map { Self.uriEncode(String($0)) }.joined(separator: "/")
        let encodedQuery: [(name: String, value: String)] = query.map { pair in (Self.uriEncode(pair.0), Self.uriEncode(pair.1)) }
        let sortedQuery = encodedQuery.sorted { left, right in
            left.name == right.name ? left.value < right.value : left.name < right.name
        }
        let canonicalQuery = sortedQuery.map { pair in pair.name + "=" + pair.value }.joined(separator: "&")
        var merged: [String: [String]] = [:]
        for (name, value) in headers {
            let trimmed = value.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            merged[name.lowercased(), default: []].append(trimmed)
        }
        let names = merged.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(merged[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let request = [method, canonicalPath.isEmpty ? "/" : canonicalPath, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash]
            .joined(separator: "\n")
        return (request, signedHeaders)
    }

    func signingKey(day: String) -> SymmetricKey {
        func hmac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)))
        }
        let secret = SymmetricKey(data: Data(("AWS4" + secretAccessKey).utf8))
        return hmac(hmac(hmac(hmac(secret, day), region), service), "aws4_request")
    }

    /// `YYYYMMDD'T'HHMMSS'Z'` in UTC.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : String($0) } ?? "00" }
        return "\(c.year ?? 1970)\(two(c.month))\(two(c.day))T\(two(c.hour))\(two(c.minute))\(two(c.second))Z"
    }

    /// RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, upper-case hex.
    static func uriEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(format: "%02X", byte)
            }
        }
        return out
    }

    static func sha256Hex(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}

import Foundation
import TendCore

/// Where uploaded recordings are kept and how large they may be.
///
/// | variable | default | meaning |
/// | --- | --- | --- |
/// | `TEND_MEDIA_MAX_MB` | `500` | largest upload in megabytes (1 to 10240) |
/// | `TEND_S3_ENDPOINT` | none | an S3-compatible endpoint such as `https://s3.eu-west-2.amazonaws.com`; when set, media go to the object store |
/// | `TEND_S3_BUCKET` | none | the bucket (required with the endpoint) |
/// | `TEND_S3_REGION` | `us-east-1` | the signing region |
/// | `TEND_S3_ACCESS_KEY_ID`, `TEND_S3_SECRET_ACCESS_KEY` | none | the credentials (required with the endpoint) |
///
/// Without an endpoint, media are files in `<TEND_DATA_DIR>/media/`.
public struct MediaConfiguration: Sendable, Equatable {
    public enum Storage: Sendable, Equatable {
        case dataDirectory
        case s3(S3Settings)
    }

    public var sizeRule: MediaSizeRule
    public var storage: Storage

    public init(sizeRule: MediaSizeRule = MediaSizeRule(maximumMegabytes: MediaSizeRule.defaultMaximumMegabytes),
                storage: Storage = .dataDirectory) {
        self.sizeRule = sizeRule
        self.storage = storage
    }

    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> MediaConfiguration {
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        var configuration = MediaConfiguration()
        if let raw = value("TEND_MEDIA_MAX_MB") {
            guard let megabytes = MediaSizeRule.parseMegabytes(raw) else {
                throw ConfigurationError(variable: "TEND_MEDIA_MAX_MB", value: raw,
                                         expected: "a whole number of megabytes from 1 to \(MediaSizeRule.largestMaximumMegabytes)")
            }
            configuration.sizeRule = MediaSizeRule(maximumMegabytes: megabytes)
        }
        if let endpoint = value("TEND_S3_ENDPOINT") {
            guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  url.host != nil else {
                throw ConfigurationError(variable: "TEND_S3_ENDPOINT", value: endpoint,
                                         expected: "an absolute http:// or https:// URL of an S3-compatible service")
            }
            guard let bucket = value("TEND_S3_BUCKET") else {
                throw ConfigurationError(variable: "TEND_S3_BUCKET", value: "", expected: "the bucket name, required with TEND_S3_ENDPOINT")
            }
            guard S3Settings.isValidBucketName(bucket) else {
                throw ConfigurationError(variable: "TEND_S3_BUCKET", value: bucket,
                                         expected: "3 to 63 lower-case letters, digits, dots and hyphens")
            }
            guard let accessKey = value("TEND_S3_ACCESS_KEY_ID") else {
                throw ConfigurationError(variable: "TEND_S3_ACCESS_KEY_ID", value: "", expected: "the access key id, required with TEND_S3_ENDPOINT")
            }
            guard let secret = value("TEND_S3_SECRET_ACCESS_KEY") else {
                throw ConfigurationError(variable: "TEND_S3_SECRET_ACCESS_KEY", value: "",
                                         expected: "the secret access key, required with TEND_S3_ENDPOINT")
            }
            configuration.storage = .s3(S3Settings(endpoint: url, bucket: bucket, region: value("TEND_S3_REGION") ?? "us-east-1",
                                                   accessKeyID: accessKey, secretAccessKey: secret))
        }
        return configuration
    }
}

/// An S3-compatible bucket, addressed path-style (`<endpoint>/<bucket>/<key>`).
public struct S3Settings: Sendable, Equatable {
    public var endpoint: URL
    public var bucket: String
    public var region: String
    public var accessKeyID: String
    public var secretAccessKey: String

    public init(endpoint: URL, bucket: String, region: String, accessKeyID: String, secretAccessKey: String) {
        var text = endpoint.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        self.endpoint = URL(string: text) ?? endpoint
        self.bucket = bucket
        self.region = region
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
    }

    static func isValidBucketName(_ name: String) -> Bool {
        (3...63).contains(name.count) && name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "." || $0 == "-" }
    }
}

import _NIOFileSystem
import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import Vapor

/// A complete, checked upload waiting in the staging folder, with its size and SHA-256.
struct StagedMedia: Sendable {
    var path: String
    var byteCount: Int64
    /// Lower-case hex SHA-256 of the bytes (the ETag, and the S3 payload hash).
    var sha256: String
}

/// A store has no object under the key asked for.
struct MediaObjectMissing: Error, Equatable {
    var key: String
}

/// A store answered with an error.
struct MediaStoreFailure: Error, CustomStringConvertible {
    var operation: String
    var status: UInt
    var detail: String

    var description: String { "media store \(operation) failed with HTTP \(status): \(detail)" }
}

/// Where uploaded recordings live. Keys come from ``MediaKey``, never from user input.
protocol MediaStore: Sendable {
    /// Takes a staged upload and keeps it under `key`; the staged file is gone afterwards.
    func store(_ staged: StagedMedia, key: String, contentType: String) async throws
    /// The bytes of `range` of the object under `key`, streamed; throws ``MediaObjectMissing`` when there is none.
    func read(key: String, range: ClosedRange<Int64>, on request: Request) async throws -> Response.Body
    /// Removes the object; no error when it is already gone.
    func delete(key: String) async throws
}

/// Object names: the media item's id and the format's extension, so no user input reaches a path.
enum MediaKey {
    static func make(id: UUID, format: String) -> String { id.uuidString.lowercased() + "." + format }

    /// A key this server could have made (lower-case UUID, a dot, a short lower-case extension).
    static func isValid(_ key: String) -> Bool {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let id = UUID(uuidString: String(parts[0])), id.uuidString.lowercased() == parts[0] else { return false }
        return (1...8).contains(parts[1].count) && parts[1].allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) }
    }
}

/// The staging folder for uploads in progress: `<data dir>/media/.staging/`, on the same file system
/// as the stored files so that keeping one is a rename.
struct MediaStaging: Sendable {
    var directory: String

    init(dataDirectory: String) {
        directory = (dataDirectory as NSString).appendingPathComponent("media/.staging")
    }

    func prepare() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func newPath() -> String {
        (directory as NSString).appendingPathComponent(UUID().uuidString.lowercased() + ".part")
    }
}

/// Media as files in `<data dir>/media/`, named by key. Stored by renaming the staged file, so a file
/// under its final name is always complete.
struct DiskMediaStore: MediaStore {
    var directory: String

    init(dataDirectory: String) {
        directory = (dataDirectory as NSString).appendingPathComponent("media")
    }

    func path(for key: String) throws -> String {
        guard MediaKey.isValid(key) else { throw MediaObjectMissing(key: key) }
        return (directory as NSString).appendingPathComponent(key)
    }

    func store(_ staged: StagedMedia, key: String, contentType: String) async throws {
        try await FileSystem.shared.moveItem(at: FilePath(staged.path), to: FilePath(try path(for: key)))
    }

    func read(key: String, range: ClosedRange<Int64>, on request: Request) async throws -> Response.Body {
        let path = try path(for: key)
        guard let info = try await FileSystem.shared.info(forFileAt: FilePath(path)), info.type == .regular,
              info.size > range.upperBound else { throw MediaObjectMissing(key: key) }
        let count = Int(range.upperBound - range.lowerBound + 1)
        let fileio = request.fileio
        return Response.Body(asyncStream: { writer in
            do {
                let chunks = try await fileio.readFile(at: path, chunkSize: 256 * 1024, offset: range.lowerBound, byteCount: count)
                do {
                    for try await chunk in chunks { try await writer.writeBuffer(chunk) }
                    try? await chunks.closeHandle()
                } catch {
                    try? await chunks.closeHandle()
                    throw error
                }
                try await writer.write(.end)
            } catch {
                try? await writer.write(.error(error))
            }
        }, count: count, byteBufferAllocator: request.byteBufferAllocator)
    }

    func delete(key: String) async throws {
        try await FileSystem.shared.removeItem(at: FilePath(try path(for: key)), recursively: false)
    }
}

/// Media in an S3-compatible bucket, path-style (`<endpoint>/<bucket>/<key>`), signed with SigV4.
/// Uploads are sent from the staged file with their length and SHA-256; reads pass the byte range
/// through to the store and stream its body back.
struct S3MediaStore: MediaStore {
    var settings: S3Settings
    var client: HTTPClient

    var signer: S3Signer {
        S3Signer(accessKeyID: settings.accessKeyID, secretAccessKey: settings.secretAccessKey, region: settings.region)
    }

    /// The `Host` header value: the endpoint's host, with the port when it is not the scheme's default.
    var host: String {
        let host = settings.endpoint.host ?? ""
        guard let port = settings.endpoint.port else { return host }
        let scheme = settings.endpoint.scheme?.lowercased()
        if (scheme == "http" && port == 80) || (scheme == "https" && port == 443) { return host }
        return "\(host):\(port)"
    }

    /// The path under the endpoint's own path, unencoded.
    func objectPath(_ key: String?) -> String {
        let base = settings.endpoint.path
        var path = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/" + settings.bucket
        if let key { path += "/" + key }
        return path
    }

    func request(method: HTTPMethod, key: String?, headers extra: [(String, String)] = [], payloadHash: String = S3Signer.emptyPayloadHash) -> HTTPClientRequest {
        let path = objectPath(key)
        let encodedPath = path.split(separator: "/", omittingEmptySubsequences: false).map { S3Signer.uriEncode(String($0)) }
            .joined(separator: "/")
        var request = HTTPClientRequest(url: "\(settings.endpoint.scheme ?? "https")://\(host)\(encodedPath)")
        request.method = method
        let signed = signer.sign(method: method.rawValue, path: path, headers: [("host", host)] + extra,
                                 payloadHash: payloadHash, date: Date())
        request.headers.add(name: "Host", value: host)
        for (name, value) in extra + signed { request.headers.add(name: name, value: value) }
        return request
    }

    static func failure(_ operation: String, _ response: HTTPClientResponse) async -> MediaStoreFailure {
        let body = (try? await response.body.collect(upTo: 16 * 1024)).map { String(buffer: $0) } ?? ""
        return MediaStoreFailure(operation: operation, status: response.status.code, detail: String(body.prefix(500)))
    }

    /// Creates the bucket if it does not exist yet (used by the test suite against a fresh server).
    func createBucketIfMissing() async throws {
        let response = try await client.execute(request(method: .PUT, key: nil), timeout: .seconds(30))
        guard response.status == .ok || response.status == .conflict else { throw await Self.failure("create bucket", response) }
        _ = try? await response.body.collect(upTo: 64 * 1024)
    }

    func store(_ staged: StagedMedia, key: String, contentType: String) async throws {
        guard MediaKey.isValid(key) else { throw MediaObjectMissing(key: key) }
        try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(staged.path)) { handle in
            var put = request(method: .PUT, key: key, headers: [("content-type", contentType)], payloadHash: staged.sha256)
            // The length is known, so the client sends Content-Length rather than chunked encoding.
            put.body = .stream(handle.readChunks(in: 0..<staged.byteCount, chunkLength: .kibibytes(256)),
                               length: .known(staged.byteCount))
            let response = try await client.execute(put, timeout: .minutes(60))
            guard response.status == .ok else { throw await Self.failure("upload", response) }
            _ = try? await response.body.collect(upTo: 64 * 1024)
        }
        try await FileSystem.shared.removeItem(at: FilePath(staged.path), recursively: false)
    }

    func read(key: String, range: ClosedRange<Int64>, on request: Request) async throws -> Response.Body {
        guard MediaKey.isValid(key) else { throw MediaObjectMissing(key: key) }
        let get = self.request(method: .GET, key: key, headers: [("range", "bytes=\(range.lowerBound)-\(range.upperBound)")])
        let response = try await client.execute(get, timeout: .minutes(60))
        guard response.status == .partialContent || response.status == .ok else {
            if response.status == .notFound || response.status == .rangeNotSatisfiable {
                _ = try? await response.body.collect(upTo: 64 * 1024)
                throw MediaObjectMissing(key: key)
            }
            throw await Self.failure("read", response)
        }
        let count = Int(range.upperBound - range.lowerBound + 1)
        let body = response.body
        return Response.Body(asyncStream: { writer in
            do {
                for try await chunk in body { try await writer.writeBuffer(chunk) }
                try await writer.write(.end)
            } catch {
                try? await writer.write(.error(error))
            }
        }, count: count, byteBufferAllocator: request.byteBufferAllocator)
    }

    func delete(key: String) async throws {
        guard MediaKey.isValid(key) else { throw MediaObjectMissing(key: key) }
        let response = try await client.execute(request(method: .DELETE, key: key), timeout: .seconds(60))
        guard response.status == .noContent || response.status == .ok || response.status == .notFound else {
            throw await Self.failure("delete", response)
        }
        _ = try? await response.body.collect(upTo: 64 * 1024)
    }
}

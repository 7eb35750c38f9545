import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// The S3-compatible server the tests use, if one is configured.
enum S3TestServer {
    static var endpoint: URL? {
        guard let raw = ProcessInfo.processInfo.environment["TEND_TEST_S3_ENDPOINT"], !raw.isEmpty else { return nil }
        return URL(string: raw)
    }
}

/// The whole media flow against a real S3-compatible server: upload through the form, stream with
/// ranges passed through to the store, delete. Runs when `TEND_TEST_S3_ENDPOINT` is set
/// (`.ci/s3-tests.sh` starts a local moto server and sets it).
@Suite("Media in an S3-compatible store", .enabled(if: S3TestServer.endpoint != nil))
struct S3MediaStoreTests {
    static func settings() throws -> S3Settings {
        let environment = ProcessInfo.processInfo.environment
        return S3Settings(endpoint: try #require(S3TestServer.endpoint),
                          bucket: environment["TEND_TEST_S3_BUCKET"] ?? "tend-media-test",
                          region: environment["TEND_TEST_S3_REGION"] ?? "us-east-1",
                          accessKeyID: environment["TEND_TEST_S3_ACCESS_KEY_ID"] ?? "testing",
                          secretAccessKey: environment["TEND_TEST_S3_SECRET_ACCESS_KEY"] ?? "testing")
    }

    @Test("Upload, full and ranged reads, HEAD and delete go through the object store")
    func roundTrip() async throws {
        let settings = try Self.settings()
        try await MediaFixtures.withMediaApp({ $0.media.storage = .s3(settings) }) { app, directory in
            let store = try #require(app.mediaStore as? S3MediaStore)
            try await store.createBucketIfMissing()

            let admin = try await Fixtures.signedIn(.admin, on: app)
            let bytes = MediaFixtures.mp3(300_000)
            let id = try await MediaFixtures.uploadRecording(admin, bytes: bytes)
            let item = try #require(try await MediaItemModel.find(id, on: app.db))
            // Nothing is kept on local disk: the staged file went to the store.
            #expect(MediaFixtures.stagedFiles(in: directory).isEmpty)
            #expect(!FileManager.default.fileExists(atPath: directory + "/media/" + item.storageKey))

            let path = "/media/\(id.uuidString.lowercased())/file"
            let participant = try await Fixtures.signedIn(.participant, on: app)
            let full = try await MediaFixtures.request(participant, .GET, path)
            #expect(full.status == .ok)
            #expect(full.bytes == bytes)
            #expect(full.headers.first(name: .contentType) == "audio/mpeg")

            let size = bytes.count
            for (header, slice) in [("bytes=100-199", 100..<200), ("bytes=250000-", 250_000..<size), ("bytes=-1000", (size - 1000)..<size)] {
                let response = try await MediaFixtures.request(participant, .GET, path, [("Range", header)])
                #expect(response.status == .partialContent, "\(header)")
                #expect(response.headers.first(name: .contentRange) == "bytes \(slice.lowerBound)-\(slice.upperBound - 1)/\(size)")
                #expect(response.bytes == Array(bytes[slice]), "\(header)")
            }
            let outside = try await MediaFixtures.request(participant, .GET, path, [("Range", "bytes=\(size)-")])
            #expect(outside.status == .rangeNotSatisfiable)
            let head = try await MediaFixtures.request(participant, .HEAD, path)
            #expect(head.status == .ok)
            #expect(head.headers.first(name: .contentLength) == String(size))

            try await admin.get("/media/" + id.uuidString.lowercased())
            let deleted = try await admin.post("/media/\(id.uuidString.lowercased())/delete", [:])
            #expect(deleted.status == .seeOther)
            // The object is gone from the store itself.
            let request = Request(application: app, on: app.eventLoopGroup.next())
            await #expect(throws: MediaObjectMissing.self) {
                _ = try await store.read(key: item.storageKey, range: 0...9, on: request)
            }
        }
    }
}

import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// Recordings are streamed to anyone signed in, with byte ranges (phones seek and resume with them).
@Suite("Media streaming with byte ranges")
struct MediaStreamingTests {
    /// An uploaded recording of `size` bytes and a participant's browser.
    static func setUp(_ app: Application, size: Int = 10_000) async throws -> (id: String, bytes: [UInt8], viewer: Browser) {
        let admin = try await Fixtures.signedIn(.admin, on: app)
        let bytes = MediaFixtures.mp3(size - 10)
        let id = try await MediaFixtures.uploadRecording(admin, bytes: bytes)
        let participant = try await Fixtures.signedIn(.participant, on: app)
        return (id.uuidString.lowercased(), bytes, participant)
    }

    @Test("A full GET sends every byte with the sniffed type, ETag, private caching and Accept-Ranges")
    func fullGet() async throws {
        try await MediaFixtures.withMediaApp { app, _ in
            let (id, bytes, viewer) = try await Self.setUp(app)
            let response = try await MediaFixtures.request(viewer, .GET, "/media/\(id)/file")
            #expect(response.status == .ok)
            #expect(response.bytes == bytes)
            #expect(response.headers.first(name: .acceptRanges) == "bytes")
            #expect(response.headers.first(name: .contentType) == "audio/mpeg")
            #expect(response.headers.first(name: .contentLength) == String(bytes.count))
            #expect(response.headers.first(name: .cacheControl) == "private, max-age=3600")
            #expect(response.headers.first(name: .contentRange) == nil)
            let item = try #require(try await MediaItemModel.find(UUID(uuidString: id)!, on: app.db))
            #expect(response.headers.first(name: .eTag) == "\"\(item.sha256)\"")
        }
    }

    @Test("bytes=a-b, bytes=a- and bytes=-n each get 206 with the right bytes and Content-Range")
    func threeRangeForms() async throws {
        try await MediaFixtures.withMediaApp { app, _ in
            let (id, bytes, viewer) = try await Self.setUp(app)
            let size = bytes.count
            let cases: [(String, Range<Int>, String)] = [
                ("bytes=0-499", 0..<500, "bytes 0-499/\(size)"),
                ("bytes=9500-", 9500..<size, "bytes 9500-\(size - 1)/\(size)"),
                ("bytes=-500", (size - 500)..<size, "bytes \(size - 500)-\(size - 1)/\(size)"),
                // An end past the last byte is clamped (Vapor's own file streaming answers this with 400).
                ("bytes=9000-99999", 9000..<size, "bytes 9000-\(size - 1)/\(size)"),
            ]
            for (header, slice, contentRange) in cases {
                let response = try await MediaFixtures.request(viewer, .GET, "/media/\(id)/file", [("Range", header)])
                #expect(response.status == .partialContent, "\(header)")
                #expect(response.headers.first(name: .contentRange) == contentRange, "\(header)")
                #expect(response.headers.first(name: .contentLength) == String(slice.count), "\(header)")
                #expect(response.bytes == Array(bytes[slice]), "\(header)")
                #expect(response.headers.first(name: .acceptRanges) == "bytes")
            }
        }
    }

    @Test("A range starting past the end gets 416 with Content-Range: bytes */size")
    func unsatisfiable() async throws {
        try await MediaFixtures.withMediaApp { app, _ in
            let (id, bytes, viewer) = try await Self.setUp(app)
            for header in ["bytes=\(bytes.count)-", "bytes=20000-20010", "bytes=-0"] {
                let response = try await MediaFixtures.request(viewer, .GET, "/media/\(id)/file", [("Range", header)])
                #expect(response.status == .rangeNotSatisfiable, "\(header)")
                #expect(response.headers.first(name: .contentRange) == "bytes */\(bytes.count)", "\(header)")
            }
        }
    }

    @Test("Several ranges, a malformed range or a stale If-Range get the whole file with 200")
    func ignoredRanges() async throws {
        try await MediaFixtures.withMediaApp { app, _ in
            let (id, bytes, viewer) = try await Self.setUp(app)
            for headers in [[("Range", "bytes=0-1,5-6")], [("Range", "bytes=abc")], [("Range", "bytes=0-9"), ("If-Range", "\"stale\"")]] {
                let response = try await MediaFixtures.request(viewer, .GET, "/media/\(id)/file", headers)
                #expect(response.status == .ok, "\(headers)")
                #expect(response.bytes.count == bytes.count)
            }
        }
    }

    @Test("HEAD gives the headers and length without a body, for the whole file and for a range")
    func head() async throws {
        try await MediaFixtures.withMediaApp { app, _ in
            let (id, bytes, viewer) = try await Self.setUp(app)
            let whole = try await MediaFixtures.request(viewer, .HEAD, "/media/\(id)/file")
            #expect(whole.status == .ok)
            #expect(whole.headers.first(name: .contentLength) == String(bytes.count))
            #expect(whole.headers.first(name: .contentType) == "audio/mpeg")
            #expect(whole.headers.first(name: .acceptRanges) == "bytes")
            #expect(whole.body.readableBytes == 0)
            let part = try await MediaFixtures.request(viewer, .HEAD, "/media/\(id)/file", [("Range", "bytes=10-19")])
            #expect(part.status == .partialContent)
            #expect(part.headers.first(name: .contentLength) == "10")
            #expect(part.headers.first(name: .contentRange) == "bytes 10-19/\(bytes.count)")
            #expect(part.body.readableBytes == 0)
        }
    }

    @Test("A matching If-None-Match gets 304 without the body")
    func notModified() async throws {
        try await MediaFixtures.withMediaApp { app, _ in
            let (id, _, viewer) = try await Self.setUp(app)
            let first = try await MediaFixtures.request(viewer, .GET, "/media/\(id)/file")
            let etag = try #require(first.headers.first(name: .eTag))
            let second = try await MediaFixtures.request(viewer, .GET, "/media/\(id)/file", [("If-None-Match", etag)])
            #expect(second.status == .notModified)
            #expect(second.body.readableBytes == 0)
        }
    }

    @Test("Only signed-in people get the file; an unknown id is 404")
    func access() async throws {
        try await MediaFixtures.withMediaApp { app, _ in
            let (id, _, viewer) = try await Self.setUp(app)
            let anonymous = try await app.testing().sendRequest(.GET, "/media/\(id)/file")
            #expect(anonymous.status == .found)
            #expect(anonymous.headers.first(name: .location)?.hasPrefix("/login") == true)
            let unknown = try await MediaFixtures.request(viewer, .GET, "/media/\(UUID().uuidString.lowercased())/file")
            #expect(unknown.status == .notFound)
        }
    }
}

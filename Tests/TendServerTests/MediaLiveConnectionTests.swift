import AsyncHTTPClient
import Fluent
import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// The same upload and streaming over a real HTTP connection: the upload arrives in pieces and is
/// written to disk as it comes; reads are streamed back from the file.
@Suite("Media over a real connection")
struct MediaLiveConnectionTests {
    /// Generous: the whole suite runs in parallel in this process, and on a busy machine the upload waits
    /// its turn behind every other test's work. This test checks what arrives, not how fast.
    static let deadline: TimeAmount = .seconds(600)

    @Test("A 3 MB upload sent in 64 KB pieces is stored whole; a range, HEAD and a full GET come back over the wire")
    func uploadAndStream() async throws {
        try await MediaFixtures.withMediaApp { app, directory in
            let admin = try await Fixtures.signedIn(.admin, on: app)
            try await admin.get("/media")
            let token = try #require(admin.csrf)
            let cookie = admin.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")

            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            do {
                let port = try #require(app.http.server.shared.localAddress?.port)
                let base = "http://127.0.0.1:\(port)"
                // A redirect after the upload is checked, not followed.
                app.http.client.configuration.redirectConfiguration = .disallow
                let client = app.http.client.shared

                let bytes = MediaFixtures.mp3(3_000_000)
                let boundary = "----tendlive\(UUID().uuidString.prefix(8))"
                let body = MediaFixtures.multipart([
                    .field("csrf", token), .field("title", "Body scan, long"), .field("exercise", MediaFixtures.exercise),
                    .field("transcript", ""), .file(bytes),
                ], boundary: boundary)
                let pieceSize = 64 * 1024
                let pieces = stride(from: 0, to: body.readableBytes, by: pieceSize).map {
                    body.getSlice(at: $0, length: min(pieceSize, body.readableBytes - $0))!
                }
                var upload = HTTPClientRequest(url: base + "/media")
                upload.method = .POST
                upload.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
                upload.headers.add(name: "Cookie", value: cookie)
                upload.body = .stream(AsyncStream<ByteBuffer> { continuation in
                    for piece in pieces { continuation.yield(piece) }
                    continuation.finish()
                }, length: .known(Int64(body.readableBytes)))
                let uploaded = try await client.execute(upload, timeout: Self.deadline)
                #expect(uploaded.status == .seeOther)
                let location = try #require(uploaded.headers.first(name: "Location"))
                let id = try #require(UUID(uuidString: String(location.dropFirst("/media/".count))))
                let item = try #require(try await MediaItemModel.find(id, on: app.db))
                #expect(item.byteCount == Int64(bytes.count))
                let stored = try Data(contentsOf: URL(fileURLWithPath: directory + "/media/" + item.storageKey))
                #expect(Array(stored) == bytes)

                let path = base + "/media/\(id.uuidString.lowercased())/file"
                var ranged = HTTPClientRequest(url: path)
                ranged.headers.add(name: "Cookie", value: cookie)
                ranged.headers.add(name: "Range", value: "bytes=1000000-1065535")
                let part = try await client.execute(ranged, timeout: Self.deadline)
                #expect(part.status == .partialContent)
                #expect(part.headers.first(name: "Content-Range") == "bytes 1000000-1065535/\(bytes.count)")
                let partBody = try await part.body.collect(upTo: 1 << 20)
                #expect(Array(partBody.readableBytesView) == Array(bytes[1_000_000..<1_065_536]))

                var head = HTTPClientRequest(url: path)
                head.method = .HEAD
                head.headers.add(name: "Cookie", value: cookie)
                let headResponse = try await client.execute(head, timeout: Self.deadline)
                #expect(headResponse.status == .ok)
                #expect(headResponse.headers.first(name: "Content-Length") == String(bytes.count))
                #expect(headResponse.headers.first(name: "Accept-Ranges") == "bytes")
                #expect(try await headResponse.body.collect(upTo: 1024).readableBytes == 0)

                var full = HTTPClientRequest(url: path)
                full.headers.add(name: "Cookie", value: cookie)
                let whole = try await client.execute(full, timeout: Self.deadline)
                #expect(whole.status == .ok)
                let wholeBody = try await whole.body.collect(upTo: 8 << 20)
                #expect(Array(wholeBody.readableBytesView) == bytes)
            } catch {
                await app.server.shutdown()
                throw error
            }
            await app.server.shutdown()
        }
    }
}

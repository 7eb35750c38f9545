import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// Helpers for the media tests: a private data directory per test, recordings' first bytes, and a
/// multipart form sender that carries the browser's cookies.
enum MediaFixtures {
    static let exercise = "compassionate-living-pain/arriving"

    /// An MP3 recording: an ID3 header and `count` bytes in a repeating pattern.
    static func mp3(_ count: Int = 5_000) -> [UInt8] {
        Array("ID3".utf8) + [0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00] + (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    }

    /// Runs `test` on an app whose data directory (and so media folder) is new and is removed afterwards.
    static func withMediaApp(
        _ adjust: @escaping (inout ServerConfiguration) -> Void = { _ in },
        _ test: (Application, String) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tend-media-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withTendApp({ configuration in
            configuration.dataDirectory = directory
            adjust(&configuration)
        }) { app in
            try await test(app, directory)
        }
    }

    /// Files left in the staging folder (there should be none after any upload, good or bad).
    static func stagedFiles(in directory: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory + "/media/.staging")) ?? []
    }

    struct Part {
        var name: String
        var value: [UInt8]
        var filename: String? = nil
        var contentType: String? = nil

        static func field(_ name: String, _ value: String) -> Part { Part(name: name, value: Array(value.utf8)) }
        static func file(_ bytes: [UInt8], filename: String = "recording.mp3", contentType: String = "audio/mpeg") -> Part {
            Part(name: "file", value: bytes, filename: filename, contentType: contentType)
        }
    }

    static func multipart(_ parts: [Part], boundary: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        for part in parts {
            buffer.writeString("--\(boundary)\r\n")
            var disposition = "Content-Disposition: form-data; name=\"\(part.name)\""
            if let filename = part.filename { disposition += "; filename=\"\(filename)\"" }
            buffer.writeString(disposition + "\r\n")
            if let type = part.contentType { buffer.writeString("Content-Type: \(type)\r\n") }
            buffer.writeString("\r\n")
            buffer.writeBytes(part.value)
            buffer.writeString("\r\n")
        }
        buffer.writeString("--\(boundary)--\r\n")
        return buffer
    }

    /// The upload form as a browser sends it: the CSRF token first (unless `csrf` is ""), then `parts`.
    static func upload(_ browser: Browser, _ parts: [Part], csrf: String? = nil, path: String = "/media") async throws -> TestingHTTPResponse {
        let boundary = "----tendboundary\(UUID().uuidString.prefix(8))"
        let token = csrf ?? browser.csrf ?? ""
        let all = (token.isEmpty ? [] : [Part.field("csrf", token)]) + parts
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        headers.replaceOrAdd(name: .cookie, value: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        return try await browser.app.testing().sendRequest(.POST, path, headers: headers, body: multipart(all, boundary: boundary))
    }

    /// A good upload of `bytes` by `browser`; returns the new item's id.
    static func uploadRecording(_ browser: Browser, bytes: [UInt8] = mp3(), title: String = "Arriving, read by Sam",
                                transcript: String = "") async throws -> UUID {
        try await browser.get("/media")
        let response = try await upload(browser, [
            .field("title", title), .field("exercise", exercise), .field("transcript", transcript), .file(bytes),
        ])
        #expect(response.status == .seeOther, "upload should succeed: \(response.text.prefix(400))")
        let location = try #require(response.location)
        return try #require(UUID(uuidString: String(location.dropFirst("/media/".count))))
    }

    /// A GET or HEAD of a path with extra headers, carrying the browser's cookies.
    static func request(_ browser: Browser, _ method: HTTPMethod = .GET, _ path: String, _ extra: [(String, String)] = []) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .cookie, value: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        for (name, value) in extra { headers.add(name: name, value: value) }
        return try await browser.app.testing().sendRequest(method, path, headers: headers)
    }
}

extension TestingHTTPResponse {
    var bytes: [UInt8] { Array(body.readableBytesView) }
}

import _NIOFileSystem
import Crypto
import Foundation
import MultipartKit
import NIOCore
import TendCore
import Vapor

/// Reads a `multipart/form-data` upload as it arrives: small fields are kept in memory (up to a
/// limit each), the file is checked by its first bytes and written chunk by chunk to the staging
/// folder, never held whole in memory. The CSRF field must arrive, and match, before any file byte.
struct MediaUploadReceiver {
    /// What arrived.
    struct Received {
        var fields: [String: String] = [:]
        /// Fields that were longer than ``fieldLimit`` (their text is cut there).
        var oversizedFields: Set<String> = []
        var file: FileOutcome = .missing
    }

    enum FileOutcome {
        case missing
        case staged(StagedMedia, MediaFormat)
        case refused(MediaUploadProblem)
    }

    /// The form is not multipart, or its body is not well-formed multipart.
    struct MalformedUpload: Error {}

    static let fileField = "file"
    /// Bytes kept of any one text field; a transcript up to ``MediaPages/transcriptLimit`` characters fits.
    static let fieldLimit = 256 * 1024
    /// Text fields accepted in one upload (the form has four).
    static let partLimit = 16

    var staging: MediaStaging
    var sizeRule: MediaSizeRule

    /// Bytes read before giving up on a body: the largest file plus room for every text field and
    /// the multipart framing. A file just over the limit is read to the end (so the form can come
    /// back with every field); a body far beyond it is not.
    var hardLimit: Int64 { sizeRule.maximumBytes + Int64(Self.partLimit * Self.fieldLimit) + 64 * 1024 }
    /// The session's CSRF token.
    var expectedToken: String?

    private enum Event {
        case header(String, String)
        case body(ByteBuffer)
        case end
    }

    private final class EventBox {
        var events: [Event] = []
    }

    /// The multipart boundary of a `multipart/form-data` content type, if that is what it is.
    static func boundary(of request: Request) -> String? {
        guard let type = request.headers.contentType, type.type == "multipart", type.subType == "form-data",
              let boundary = type.parameters["boundary"], !boundary.isEmpty, boundary.count <= 200 else { return nil }
        return boundary
    }

    /// The part's field name from `Content-Disposition: form-data; name="…"`.
    static func fieldName(fromDisposition value: String) -> String? {
        for parameter in value.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "name" else { continue }
            var name = pair[1]
            if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
            return name
        }
        return nil
    }

    /// Reads the whole body. Throws ``PageError/csrf`` when the token is missing, wrong or late, and
    /// ``MalformedUpload`` when the body is not multipart. On any error nothing is left in staging.
    func receive(_ request: Request) async throws -> Received {
        guard let boundary = Self.boundary(of: request) else { throw MalformedUpload() }
        let parser = MultipartParser(boundary: boundary)
        let box = EventBox()
        parser.onHeader = { name, value in box.events.append(.header(name, value)) }
        parser.onBody = { buffer in box.events.append(.body(buffer)) }
        parser.onPartComplete = { box.events.append(.end) }

        var state = PartState()
        var received = Received()
        var csrfChecked = false
        var partCount = 0
        var total: Int64 = 0
        do {
            for try await chunk in request.body {
                total += Int64(chunk.readableBytes)
                do { try parser.execute(chunk) } catch { throw MalformedUpload() }
                let events = box.events
                box.events.removeAll(keepingCapacity: true)
                for event in events {
                    switch event {
                    case .header(let name, let value):
                        if name.lowercased() == "content-disposition" { state.name = Self.fieldName(fromDisposition: value) }
                    case .body(let buffer):
                        if state.name == Self.fileField {
                            guard csrfChecked else { throw PageError.csrf }
                            // Only the first file is kept; a second file part is read past.
                            guard case .missing = received.file else { continue }
                            try await state.file.append(buffer, staging: staging, sizeRule: sizeRule)
                        } else if state.name != nil {
                            state.appendText(buffer)
                        }
                    case .end:
                        if let name = state.name {
                            if name == Self.fileField {
                                if case .missing = received.file { received.file = try await state.file.finish(sizeRule: sizeRule) }
                            } else {
                                partCount += 1
                                guard partCount <= Self.partLimit else { throw MalformedUpload() }
                                let text = String(decoding: state.text, as: UTF8.self)
                                if name == CSRF.fieldName {
                                    guard let expectedToken, !expectedToken.isEmpty,
                                          SecretToken.constantTimeEquals(text, expectedToken) else { throw PageError.csrf }
                                    csrfChecked = true
                                } else if received.fields[name] == nil {
                                    received.fields[name] = text
                                    if state.textOverflowed { received.oversizedFields.insert(name) }
                                }
                            }
                        }
                        state = PartState()
                    }
                }
                // Far past any acceptable upload: stop reading (the fields before the file are kept).
                if total > hardLimit {
                    guard csrfChecked else { throw PageError.csrf }
                    await state.file.discard()
                    if case .staged(let staged, _) = received.file {
                        _ = try? await FileSystem.shared.removeItem(at: FilePath(staged.path), recursively: false)
                    }
                    received.file = .refused(.tooLarge(maximumBytes: sizeRule.maximumBytes))
                    return received
                }
            }
            guard csrfChecked else { throw PageError.csrf }
        } catch {
            await state.file.discard()
            if case .staged(let staged, _) = received.file { _ = try? await FileSystem.shared.removeItem(at: FilePath(staged.path), recursively: false) }
            throw error
        }
        return received
    }

    private struct PartState {
        var name: String?
        var text: [UInt8] = []
        var textOverflowed = false
        var file = FileState()

        mutating func appendText(_ buffer: ByteBuffer) {
            let room = MediaUploadReceiver.fieldLimit - text.count
            guard room > 0 else {
                if buffer.readableBytes > 0 { textOverflowed = true }
                return
            }
            let bytes = buffer.readableBytesView
            if bytes.count > room { textOverflowed = true }
            text.append(contentsOf: bytes.prefix(room))
        }
    }

    /// The file part: the first bytes until the format is known, then a staged file and its hash.
    private struct FileState {
        var prefix: [UInt8] = []
        var format: MediaFormat?
        var problem: MediaUploadProblem?
        var count: Int64 = 0
        var path: String?
        var handle: WriteFileHandle?
        var hasher = SHA256()

        mutating func append(_ buffer: ByteBuffer, staging: MediaStaging, sizeRule: MediaSizeRule) async throws {
            count += Int64(buffer.readableBytes)
            guard problem == nil else { return }
            if !sizeRule.allows(count) {
                problem = .tooLarge(maximumBytes: sizeRule.maximumBytes)
                await discard()
                return
            }
            if format == nil {
                prefix.append(contentsOf: buffer.readableBytesView)
                guard prefix.count >= MediaFormat.bytesNeeded else { return }
                guard let sniffed = MediaFormat.sniff(prefix) else {
                    problem = .unrecognisedType
                    prefix = []
                    return
                }
                format = sniffed
                let path = staging.newPath()
                self.path = path
                handle = try await FileSystem.shared.openFile(forWritingAt: FilePath(path),
                                                              options: .newFile(replaceExisting: false))
                try await write(ByteBuffer(bytes: prefix), at: 0)
                prefix = []
            } else {
                try await write(buffer, at: count - Int64(buffer.readableBytes))
            }
        }

        private mutating func write(_ buffer: ByteBuffer, at offset: Int64) async throws {
            guard let handle else { return }
            buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            try await handle.write(contentsOf: buffer, toAbsoluteOffset: offset)
        }

        mutating func finish(sizeRule: MediaSizeRule) async throws -> FileOutcome {
            if let problem { return .refused(problem) }
            if count == 0 { return .missing }
            guard let format, let handle, let path else {
                // Fewer bytes than it takes to recognise any accepted format.
                return .refused(.unrecognisedType)
            }
            self.handle = nil
            try await handle.close()
            let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            return .staged(StagedMedia(path: path, byteCount: count, sha256: digest), format)
        }

        /// Closes and removes a half-written staged file.
        mutating func discard() async {
            if let handle { try? await handle.close() }
            handle = nil
            if let path { _ = try? await FileSystem.shared.removeItem(at: FilePath(path), recursively: false) }
            path = nil
        }
    }
}

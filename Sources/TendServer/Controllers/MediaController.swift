import _NIOFileSystem
import Fluent
import Foundation
import TendCore
import Vapor

/// The media library: staff (admins and facilitators) upload recordings for programme exercises and
/// delete them; anyone signed in can play them (streamed, with byte ranges, so phones can seek).
struct MediaController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(.admin, .facilitator))
        staff.get(SiteURL.mediaLibrary.pathComponents, use: library)
        let upload = staff.on(.POST, SiteURL.mediaLibrary.pathComponents, body: .stream, use: upload)
        upload.userInfo[CSRF.checkedByHandlerKey] = true
        staff.get(SiteURL.mediaItem(.key).pathComponents, use: show)
        staff.post(SiteURL.mediaDelete(.key).pathComponents, use: delete)

        let signedIn = routes.grouped(RequireRole.anyone)
        signedIn.get(SiteURL.mediaFile(.key).pathComponents, use: file)
        signedIn.on(.HEAD, SiteURL.mediaFile(.key).pathComponents, use: file)
    }

    static func choices() -> [MediaLibrary.ExerciseChoice] { MediaLibrary.exerciseChoices() }

    static func item(_ req: Request) async throws -> MediaItemModel {
        guard let raw = req.parameters.get(SiteURL.mediaKey), let id = UUID(uuidString: raw),
              let item = try await MediaItemModel.query(on: req.db).filter(\.$id == id).with(\.$uploadedBy).first()
        else { throw PageError.notFound() }
        return item
    }

    // MARK: Library and upload

    static func renderLibrary(req: Request, form: MediaPages.UploadForm, errors: FormErrors, status: HTTPStatus) async throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let items = try await MediaLibrary.all(on: req.db)
        return .html(MediaPages.library(viewer: viewer, items: items, choices: Self.choices(), form: form, errors: errors,
                                        maximumBytes: req.application.tend.media.sizeRule.maximumBytes, csrf: CSRF.token(for: req)),
                     status: status)
    }

    @Sendable
    func library(req: Request) async throws -> Response {
        try await Self.renderLibrary(req: req, form: .init(), errors: FormErrors(), status: .ok)
    }

    @Sendable
    func upload(req: Request) async throws -> Response {
        guard let user = req.user else { throw PageError.forbidden }
        let configuration = req.application.tend.media
        let receiver = MediaUploadReceiver(staging: req.application.mediaStaging, sizeRule: configuration.sizeRule,
                                           expectedToken: req.session.data[CSRF.sessionKey])
        let received: MediaUploadReceiver.Received
        do {
            received = try await receiver.receive(req)
        } catch is MediaUploadReceiver.MalformedUpload {
            var errors = FormErrors()
            errors.add("file", "The upload did not arrive as a form with a file. Choose the file and send the form again")
            return try await Self.renderLibrary(req: req, form: .init(), errors: errors, status: .badRequest)
        }

        let trim = { (name: String) in (received.fields[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let form = MediaPages.UploadForm(title: trim("title"), exercise: received.fields["exercise"], transcript: trim("transcript"))
        var errors = FormErrors()
        if form.title.isEmpty {
            errors.add("title", "Enter a title for the recording")
        } else if form.title.count > MediaPages.titleLimit {
            errors.add("title", "Title must be \(MediaPages.titleLimit) characters or fewer")
        }
        let choice = MediaLibrary.choice(form.exercise ?? "", in: Self.choices())
        if choice == nil { errors.add("exercise", "Choose the programme exercise this recording is for") }
        if form.transcript.count > MediaPages.transcriptLimit || received.oversizedFields.contains("transcript") {
            errors.add("transcript", "Transcript must be \(MediaPages.transcriptLimit) characters or fewer")
        }
        var staged: (StagedMedia, MediaFormat)?
        switch received.file {
        case .missing: errors.add("file", MediaUploadProblem.empty.message)
        case .refused(let problem): errors.add("file", problem.message)
        case .staged(let file, let format): staged = (file, format)
        }
        // Fields in page order for the error summary.
        errors.items.sort { Self.fieldOrder($0.field) < Self.fieldOrder($1.field) }

        guard errors.isEmpty, let staged, let choice else {
            if let staged { _ = try? await FileSystem.shared.removeItem(at: FilePath(staged.0.path), recursively: false) }
            let tooLarge = errors.message(for: "file") == MediaUploadProblem.tooLarge(maximumBytes: configuration.sizeRule.maximumBytes).message
            return try await Self.renderLibrary(req: req, form: form, errors: errors,
                                                status: tooLarge ? .payloadTooLarge : .unprocessableEntity)
        }

        let (file, format) = staged
        let id = UUID()
        let key = MediaKey.make(id: id, format: format.fileExtension)
        do {
            try await req.application.mediaStore.store(file, key: key, contentType: format.contentType)
        } catch {
            _ = try? await FileSystem.shared.removeItem(at: FilePath(file.path), recursively: false)
            throw error
        }
        let item = MediaItemModel(id: id, title: form.title, format: format, byteCount: file.byteCount, sha256: file.sha256,
                                  storageKey: key, programmeID: choice.programmeID, exerciseID: choice.exerciseID,
                                  transcript: form.transcript.isEmpty ? nil : form.transcript, uploadedByID: try user.requireID())
        do {
            try await req.db.transaction { db in
                try await item.create(on: db)
                try await AuditLog.record(.mediaUploaded, actor: user, subject: .media(id), on: db)
            }
        } catch {
            try? await req.application.mediaStore.delete(key: key)
            throw error
        }
        req.application.readCaches.sessionMedia.removeAll()
        return .seeOther(SiteURL.mediaItem(.value(id)).path)
    }

    static func fieldOrder(_ field: String) -> Int {
        ["title", "exercise", "transcript", "file"].firstIndex(of: field) ?? 99
    }

    // MARK: One recording

    @Sendable
    func show(req: Request) async throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let item = try MediaItem(try await Self.item(req))
        return .html(MediaPages.item(viewer: viewer, item: item, choices: Self.choices(), csrf: CSRF.token(for: req)))
    }

    @Sendable
    func delete(req: Request) async throws -> Response {
        guard let user = req.user else { throw PageError.forbidden }
        let item = try await Self.item(req)
        let id = try item.requireID()
        let key = item.storageKey
        // The row goes first, so a recording is never listed without its file; if removing the object
        // then fails, an orphaned object is left and the error is logged.
        try await req.db.transaction { db in
            try await item.delete(on: db)
            try await AuditLog.record(.mediaDeleted, actor: user, subject: .media(id), on: db)
        }
        req.application.readCaches.sessionMedia.removeAll()
        do {
            try await req.application.mediaStore.delete(key: key)
        } catch {
            req.logger.error("media object \(key) could not be removed after its row was deleted: \(String(reflecting: error))")
        }
        return .seeOther(SiteURL.mediaLibrary.path)
    }

    // MARK: The file

    /// Cached by the browser only (never by shared caches), revalidated by ETag after an hour.
    static let cacheControl = "private, max-age=3600"

    @Sendable
    func file(req: Request) async throws -> Response {
        guard let raw = req.parameters.get(SiteURL.mediaKey), let id = UUID(uuidString: raw),
              let item = try await MediaItemModel.find(id, on: req.db) else { throw PageError.notFound() }
        let size = item.byteCount
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .acceptRanges, value: "bytes")
        headers.replaceOrAdd(name: .eTag, value: item.etag)
        headers.replaceOrAdd(name: .cacheControl, value: Self.cacheControl)
        headers.replaceOrAdd(name: .contentDisposition, value: "inline")
        if let created = item.createdAt { headers.lastModified = HTTPHeaders.LastModified(created) }

        if let match = req.headers.first(name: .ifNoneMatch),
           match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == item.etag || $0.trimmingCharacters(in: .whitespaces) == "*" }) {
            return Response(status: .notModified, headers: headers)
        }

        let decision = RangeDecision.decide(range: req.headers.first(name: .range), ifRange: req.headers.first(name: .ifRange),
                                            etag: item.etag, size: size)
        if let contentRange = decision.contentRange(size: size) { headers.replaceOrAdd(name: .contentRange, value: contentRange) }
        let byteCount = decision.byteCount(size: size)
        let range: ClosedRange<Int64>
        let status: HTTPStatus
        switch decision {
        case .unsatisfiable:
            headers.contentType = .plainText
            return Response(status: .rangeNotSatisfiable, headers: headers,
                            body: .init(string: "The requested range is outside the recording, which is \(size) bytes long.\n"))
        case .full:
            status = .ok
            range = 0...(size - 1)
        case .partial(let bytes):
            status = .partialContent
            range = bytes
        }
        headers.replaceOrAdd(name: .contentType, value: item.contentType)
        if req.method == .HEAD {
            headers.replaceOrAdd(name: .contentLength, value: String(byteCount))
            return Response(status: status, version: req.version, headersNoUpdate: headers, body: .empty)
        }
        let body: Response.Body
        do {
            body = try await req.application.mediaStore.read(key: item.storageKey, range: range, on: req)
        } catch is MediaObjectMissing {
            req.logger.error("media item \(id) has no stored object under \(item.storageKey)")
            throw PageError.notFound()
        }
        return Response(status: status, headers: headers, body: body)
    }
}

extension Application {
    private struct MediaStoreKey: StorageKey { typealias Value = any MediaStore }
    private struct MediaStagingKey: StorageKey { typealias Value = MediaStaging }

    /// Where recordings are kept (set by `configure(_:_:)` from ``MediaConfiguration``).
    var mediaStore: any MediaStore {
        get {
            guard let value = storage[MediaStoreKey.self] else { fatalError("configure(_:_:) has not run") }
            return value
        }
        set { storage[MediaStoreKey.self] = newValue }
    }

    /// The folder uploads are written to while they arrive.
    var mediaStaging: MediaStaging {
        get {
            guard let value = storage[MediaStagingKey.self] else { fatalError("configure(_:_:) has not run") }
            return value
        }
        set { storage[MediaStagingKey.self] = newValue }
    }

    /// Sets up the media store and staging folder for `configuration`.
    func useMediaStorage(_ configuration: ServerConfiguration) throws {
        let staging = MediaStaging(dataDirectory: configuration.dataDirectory)
        try staging.prepare()
        mediaStaging = staging
        switch configuration.media.storage {
        case .dataDirectory:
            mediaStore = DiskMediaStore(dataDirectory: configuration.dataDirectory)
        case .s3(let settings):
            mediaStore = S3MediaStore(settings: settings, client: http.client.shared)
        }
    }
}

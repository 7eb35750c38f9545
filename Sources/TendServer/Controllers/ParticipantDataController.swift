import Fluent
import Foundation
import Vapor

/// "My data": a participant downloads everything Tend holds about them (JSON or CSV) and can ask for it
/// to be deleted; admins see the requests and carry them out.
struct ParticipantDataController: RouteCollection {
    /// The autosave key of the deletion request form.
    static let deletionFormKey = "deletion-request"

    func boot(routes: any RoutesBuilder) throws {
        let participant = routes.grouped(RequireRole(.participant))
        participant.get(SiteURL.myData.pathComponents, use: show)
        participant.get(SiteURL.myDataJSON.pathComponents, use: downloadJSON)
        participant.get(SiteURL.myDataCSV.pathComponents, use: downloadCSV)
        participant.post(SiteURL.myDeletionRequest.pathComponents, use: requestDeletion)
        let admin = routes.grouped(RequireRole(.admin))
        admin.get(SiteURL.adminDeletionRequests.pathComponents, use: adminList)
        admin.post(SiteURL.adminDeletionRequestCarryOut(.key).pathComponents, use: carryOut)
    }

    // MARK: Participant

    @Sendable
    func show(req: Request) async throws -> Response {
        let draft = try await Drafts.values(form: Self.deletionFormKey, for: req)
        return try await page(req, form: .init(note: draft?.value("note") ?? ""), errors: FormErrors(), status: .ok)
    }

    private func page(_ req: Request, form: DataRightsPages.DeletionForm, errors: FormErrors, status: HTTPStatus) async throws -> Response {
        guard let user = req.user, let userID = user.id, let viewer = req.viewer else { throw PageError.forbidden }
        let pending = try await DeletionRequests.pending(for: userID, on: req.db)
        return .html(DataRightsPages.myData(viewer: viewer, userID: userID, pendingSince: pending?.requestedAt, form: form,
                                            errors: errors, csrf: CSRF.token(for: req)), status: status)
    }

    @Sendable
    func downloadJSON(req: Request) async throws -> Response {
        let (userID, headers) = try await prepareDownload(req, type: "application/json; charset=utf-8", fileExtension: "json")
        return Response(status: .ok, headers: headers, body: ParticipantDataExport.jsonBody(for: userID, exportedAt: req.now, on: req.db))
    }

    @Sendable
    func downloadCSV(req: Request) async throws -> Response {
        let (userID, headers) = try await prepareDownload(req, type: "text/csv; charset=utf-8", fileExtension: "csv")
        return Response(status: .ok, headers: headers, body: ParticipantDataExport.csvBody(for: userID, on: req.db))
    }

    private func prepareDownload(_ req: Request, type: String, fileExtension: String) async throws -> (UUID, HTTPHeaders) {
        guard let user = req.user, let userID = user.id else { throw PageError.forbidden }
        try await AuditLog.record(.participantDataExported, actor: user, subject: .user(userID), on: req.db, at: req.now)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: type)
        headers.replaceOrAdd(name: .contentDisposition,
                             value: "attachment; filename=\"tend-my-data-\(AuditExportController.day(req.now)).\(fileExtension)\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return (userID, headers)
    }

    struct DeletionInput: Content {
        var password: String?
        var note: String?
    }

    @Sendable
    func requestDeletion(req: Request) async throws -> Response {
        guard let user = req.user, let userID = user.id else { throw PageError.forbidden }
        let input = try req.content.decode(DeletionInput.self)
        let note = (input.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let form = DataRightsPages.DeletionForm(note: input.note ?? "")
        if try await DeletionRequests.pending(for: userID, on: req.db) != nil {
            // Already asked (a second tab, a resend): nothing more to do.
            try await Drafts.discard(Self.deletionFormKey, for: req)
            return .seeOther(SiteURL.myData.path)
        }
        var errors = FormErrors()
        let password = input.password ?? ""
        // Wrong passwords here count with failed sign-ins to the same account, so this form cannot be
        // used to guess the password faster than the sign-in page allows.
        let throttle = LoginThrottle(limits: req.application.tend.throttle)
        let keys: [LoginThrottle.Key] = [.account(email: user.email)]
        if password.isEmpty {
            errors.add("password", "Enter the password you sign in with, to confirm it is you.")
        } else if let until = try await throttle.check(keys, now: req.nowSeconds, on: req.db).blockedUntil {
            let minutes = max(1, Int((until - req.nowSeconds + 59) / 60))
            errors.add("password", "Too many wrong passwords. For your safety, try again in \(minutes) minute\(minutes == 1 ? "" : "s").")
            return try await page(req, form: form, errors: errors, status: .tooManyRequests)
        } else {
            let matches = (try? await req.password.async.verify(password, created: user.passwordHash).get()) ?? false
            if !matches {
                try await throttle.recordFailure(keys, now: req.nowSeconds, on: req.db)
                errors.add("password", "That password is not right. Enter the password you sign in with.")
            }
        }
        if note.count > DeletionRequests.maximumNoteLength {
            errors.add("note", "Keep the note to \(DeletionRequests.maximumNoteLength) characters or fewer (it has \(note.count)).")
        }
        guard errors.isEmpty else {
            return try await page(req, form: form, errors: errors, status: .unprocessableEntity)
        }
        let now = req.now
        try await req.db.transaction { db in
            try await DeletionRequestModel(userID: userID, requestedAt: now, note: note.isEmpty ? nil : note).create(on: db)
            try await AuditLog.record(.deletionRequested, actor: user, subject: .user(userID), on: db, at: now)
        }
        try await Drafts.discard(Self.deletionFormKey, for: req)
        return .seeOther(SiteURL.myData.path)
    }

    // MARK: Admin

    @Sendable
    func adminList(req: Request) async throws -> Response {
        try await adminPage(req, errors: FormErrors(), status: .ok)
    }

    private func adminPage(_ req: Request, errors: FormErrors, status: HTTPStatus) async throws -> Response {
        guard let admin = req.user, let viewer = req.viewer else { throw PageError.forbidden }
        let pending = try await DeletionRequests.allPending(on: req.db)
        try await AuditLog.record(.deletionRequestsViewed, actor: admin, on: req.db, at: req.now)
        let rows = pending.compactMap { request -> DataRightsPages.PendingRequest? in
            guard let id = request.id else { return nil }
            return .init(id: id, name: request.user.name, email: request.user.email, requestedAt: request.requestedAt, note: request.note)
        }
        let done = req.query[String.self, at: "done"] == "1"
        return .html(DataRightsPages.adminRequests(viewer: viewer, pending: rows, carriedOut: done, errors: errors, csrf: CSRF.token(for: req)),
                     status: status)
    }

    struct CarryOutInput: Content {
        var understood: String?
    }

    @Sendable
    func carryOut(req: Request) async throws -> Response {
        guard let admin = req.user else { throw PageError.forbidden }
        guard let raw = req.parameters.get(SiteURL.deletionRequestKey), let id = UUID(uuidString: raw),
              let request = try await DeletionRequestModel.find(id, on: req.db) else { throw PageError.notFound() }
        guard request.isPending else { return .seeOther(SiteURL.adminDeletionRequests.path) }
        let input = try req.content.decode(CarryOutInput.self)
        guard input.understood == "yes" else {
            var errors = FormErrors()
            errors.add(DataRightsPages.understoodFieldID(id), "Tick the box to confirm you understand this deletion cannot be undone.")
            return try await adminPage(req, errors: errors, status: .unprocessableEntity)
        }
        try await DeletionRequests.carryOut(request, by: admin, now: req.now, on: req.db)
        // Cached reads of the account and its enrolment would otherwise outlive the deletion for a while.
        req.application.readCaches.removeAll()
        return .seeOther(SiteURL.adminDeletionRequests.path + "?done=1")
    }
}

import Fluent
import SQLKit
import Foundation
import Vapor

/// The values saved in one form's draft: each field name with the values sent under it, in order
/// (a group of checkboxes sends several).
struct DraftValues: Sendable, Equatable, Codable {
    var fields: [String: [String]]
    var updatedAt: Date

    /// The first value sent under `name`, for a text field, a text area, a select or a radio group.
    func value(_ name: String) -> String? { fields[name]?.first }

    /// Every value sent under `name`, for a group of checkboxes.
    func values(_ name: String) -> [String] { fields[name] ?? [] }

    var isEmpty: Bool { fields.values.allSatisfy { $0.allSatisfy(\.isEmpty) } }
}

/// Why a draft was not stored, in words the status line can show.
struct DraftError: Error, Equatable, Sendable {
    var status: HTTPResponseStatus
    var message: String
}

/// Autosaved drafts of forms (`POST /my/drafts/:form`, `autosave.js`).
///
/// A view prefills its form from ``values(for:form:now:on:)`` (only ever the signed-in person's own draft),
/// and its controller calls ``discard(_:for:)`` once the form has been sent successfully. Passwords and
/// the CSRF token are never stored; field values are never logged. Drafts expire ``lifetime`` after
/// their last save: an expired draft is not returned, and expired rows are deleted whenever a draft is saved.
enum Drafts {
    static let lifetime: TimeInterval = 30 * 24 * 60 * 60
    /// The stored JSON of one draft may be at most this long.
    static let maximumBytes = 32 * 1024
    static let maximumFields = 200
    static let maximumFieldNameLength = 100
    /// The cookie that tells `autosave.js` on the next page which forms were sent, so it forgets its local copy.
    static let clearCookieName = "tend_autosave_clear"

    /// Whether a field is one that is never stored: the CSRF token and anything that holds a password.
    static func isExcluded(fieldName: String) -> Bool {
        let name = fieldName.lowercased()
        if name == CSRF.fieldName || name == "confirm" { return true }
        return ["password", "passwd", "passcode", "secret", "token"].contains { name.contains($0) }
    }

    /// Form keys are 1–64 lower-case letters, digits and hyphens (they appear in URLs and cookies).
    static func isValidKey(_ key: String) -> Bool {
        (1...64).contains(key.utf8.count) && key.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
    }

    static let invalidKeyMessage = "The form name in the address must be 1 to 64 lower-case letters, digits or hyphens."

    /// The name/value pairs of an `application/x-www-form-urlencoded` body, in order.
    static func decodeForm(_ body: String) -> [(String, String)] {
        body.split(separator: "&", omittingEmptySubsequences: true).compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String? {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = decode(parts[0]), !name.isEmpty else { return nil }
            return (name, parts.count > 1 ? (decode(parts[1]) ?? "") : "")
        }
    }

    /// The fields to keep from a submitted draft (excluded fields dropped), or the reason it cannot be kept.
    static func fields(from pairs: [(String, String)]) throws(DraftError) -> [String: [String]] {
        var fields: [String: [String]] = [:]
        for (name, value) in pairs where !isExcluded(fieldName: name) {
            guard name.count <= maximumFieldNameLength else {
                throw DraftError(status: .badRequest, message: "A field name in the draft is longer than \(maximumFieldNameLength) characters.")
            }
            fields[name, default: []].append(value)
        }
        guard fields.count <= maximumFields else {
            throw DraftError(status: .badRequest, message: "A draft can hold at most \(maximumFields) fields; this one had \(fields.count).")
        }
        return fields
    }

    static func encode(_ fields: [String: [String]]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(fields), as: UTF8.self)
    }

    /// Stores (replaces) `user`'s draft of `form`, and deletes every expired draft.
    @discardableResult
    static func save(_ pairs: [(String, String)], user: UUID, form: String, now: Date, on database: any Database) async throws -> DraftValues {
        guard isValidKey(form) else { throw DraftError(status: .badRequest, message: invalidKeyMessage) }
        let fields = try Self.fields(from: pairs)
        let json = try encode(fields)
        guard json.utf8.count <= maximumBytes else {
            throw DraftError(status: .payloadTooLarge, message: "This draft is \(kilobytes(json.utf8.count)) KB; the server keeps at most \(maximumBytes / 1024) KB for one form. Your text is still kept on this device.")
        }
        try await purgeExpired(now: now, on: database)
        if let existing = try await DraftModel.query(on: database).filter(\.$user.$id == user).filter(\.$formKey == form).first() {
            existing.fieldsJSON = json
            existing.updatedAt = now
            try await existing.update(on: database)
        } else {
            do {
                try await DraftModel(userID: user, formKey: form, fieldsJSON: json, updatedAt: now).create(on: database)
            } catch {
                // Two saves of the same form raced (two tabs): the other one created the row; update it.
                guard let existing = try await DraftModel.query(on: database).filter(\.$user.$id == user).filter(\.$formKey == form).first() else {
                    throw error
                }
                existing.fieldsJSON = json
                existing.updatedAt = now
                try await existing.update(on: database)
            }
        }
        return DraftValues(fields: fields, updatedAt: now)
    }

    /// `user`'s saved draft of `form`, unless it has expired (then it is deleted).
    static func values(for user: UUID, form: String, now: Date, on database: any Database) async throws -> DraftValues? {
        guard let draft = try await DraftModel.query(on: database).filter(\.$user.$id == user).filter(\.$formKey == form).first() else {
            return nil
        }
        guard draft.updatedAt > now.addingTimeInterval(-lifetime) else {
            try await draft.delete(on: database)
            return nil
        }
        guard let fields = try? JSONDecoder().decode([String: [String]].self, from: Data(draft.fieldsJSON.utf8)) else { return nil }
        return DraftValues(fields: fields, updatedAt: draft.updatedAt)
    }

    /// The signed-in person's saved draft of `form` (nil when signed out, or there is none).
    static func values(form: String, for req: Request) async throws -> DraftValues? {
        guard let id = req.user?.id else { return nil }
        return try await values(for: id, form: form, now: req.now, on: req.db)
    }

    /// Deletes `user`'s draft of `form`. Most forms are sent without a draft on the server (it is only
    /// written while someone types with scripts on), so it looks first: a read never waits for a writer,
    /// where a delete would take its turn at the database's single writer for nothing.
    static func discard(user: UUID, form: String, on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            let held = try await sql.raw("""
                SELECT 1 AS held FROM \(ident: DraftModel.schema) WHERE user_id = \(bind: user) AND form_key = \(bind: form) LIMIT 1
                """).first()
            guard held != nil else { return }
        }
        try await DraftModel.query(on: database).filter(\.$user.$id == user).filter(\.$formKey == form).delete()
    }

    /// Call when `form` has been sent successfully: deletes the signed-in person's saved draft and tells
    /// the browser (with a cookie ``DraftClearMiddleware`` sets on this response) to forget its local copy.
    static func discard(_ form: String, for req: Request) async throws {
        if let id = req.user?.id { try await discard(user: id, form: form, on: req.db) }
        var forms = req.storage[DraftClearKey.self] ?? []
        forms.append(form)
        req.storage[DraftClearKey.self] = forms
    }

    /// Deletes every draft last saved more than ``lifetime`` before `now`. Returns how many.
    @discardableResult
    static func purgeExpired(now: Date, on database: any Database) async throws -> Int {
        let cutoff = now.addingTimeInterval(-lifetime)
        let count = try await DraftModel.query(on: database).filter(\.$updatedAt <= cutoff).count()
        if count > 0 { try await DraftModel.query(on: database).filter(\.$updatedAt <= cutoff).delete() }
        return count
    }

    private static func kilobytes(_ bytes: Int) -> Int { (bytes + 1023) / 1024 }
}

/// The forms sent successfully in this request (see ``Drafts/discard(_:for:)``).
struct DraftClearKey: StorageKey { typealias Value = [String] }

/// Puts the forms sent successfully in this request into a short-lived cookie that `autosave.js` on the
/// next page reads, to forget its local copies. It holds form keys only, never values; it is readable by
/// script (that is its purpose); the script deletes it once read, and it expires with the drafts anyway.
struct DraftClearMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if let forms = request.storage[DraftClearKey.self], !forms.isEmpty {
            // Keys not yet read by a page (the next page may not autosave) are kept with the new ones.
            let earlier = request.cookies[Drafts.clearCookieName]?.string.split(separator: ".").map(String.init) ?? []
            var valid: [String] = []
            for form in earlier + forms where Drafts.isValidKey(form) && !valid.contains(form) { valid.append(form) }
            if !valid.isEmpty {
                response.cookies[Drafts.clearCookieName] = HTTPCookies.Value(
                    string: valid.suffix(20).joined(separator: "."),
                    maxAge: Int(Drafts.lifetime),
                    path: "/",
                    isSecure: request.application.tend.usesHTTPS,
                    isHTTPOnly: false,
                    sameSite: .lax
                )
            }
        }
        return response
    }
}

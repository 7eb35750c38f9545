import Fluent
import Foundation
import TendCore

/// A recording a service uploaded for one exercise of a built-in programme. The bytes live in the
/// media store under ``storageKey``; this row says what they are and who put them there.
final class MediaItemModel: Model, @unchecked Sendable {
    static let schema = "media_items"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    @Field(key: "title") var title: String
    @Field(key: "kind") var kind: MediaSlot.Kind
    @Field(key: "format") var format: MediaFormat
    @Field(key: "content_type") var contentType: String
    @Field(key: "byte_count") var byteCount: Int64
    /// Lower-case hex SHA-256 of the bytes; the strong ETag.
    @Field(key: "sha256") var sha256: String
    @Field(key: "storage_key") var storageKey: String
    @Field(key: "programme_id") var programmeID: String
    @Field(key: "exercise_id") var exerciseID: String
    /// What the recording says, for people who cannot or prefer not to listen; nil when none was given.
    @OptionalField(key: "transcript") var transcript: String?

    @OptionalParent(key: "uploaded_by_id") var uploadedBy: UserModel?

    init() {}

    init(id: UUID, title: String, format: MediaFormat, byteCount: Int64, sha256: String, storageKey: String,
         programmeID: String, exerciseID: String, transcript: String?, uploadedByID: UUID?) {
        self.id = id
        self.title = title
        self.kind = format.kind
        self.format = format
        self.contentType = format.contentType
        self.byteCount = byteCount
        self.sha256 = sha256
        self.storageKey = storageKey
        self.programmeID = programmeID
        self.exerciseID = exerciseID
        self.transcript = transcript
        self.$uploadedBy.id = uploadedByID
    }

    /// The strong entity tag sent with the file.
    var etag: String { "\"" + sha256 + "\"" }
}

import Fluent
import Foundation

/// What a person has typed into one form and not yet sent: the field values as JSON, kept so that a
/// timeout, a dropped connection or a closed tab loses nothing. One row per person and form; see ``Drafts``.
final class DraftModel: Model, @unchecked Sendable {
    static let schema = "drafts"

    @ID(key: .id) var id: UUID?

    /// The form's autosave key (`practice-log`, `deletion-request`).
    @Field(key: "form_key") var formKey: String
    /// A JSON object: field name → the values sent under that name, in order.
    @Field(key: "fields_json") var fieldsJSON: String
    /// Set from the app clock on every save (drafts expire ``Drafts/lifetime`` after it).
    @Field(key: "updated_at") var updatedAt: Date

    @Parent(key: "user_id") var user: UserModel

    init() {}

    init(userID: UUID, formKey: String, fieldsJSON: String, updatedAt: Date) {
        self.$user.id = userID
        self.formKey = formKey
        self.fieldsJSON = fieldsJSON
        self.updatedAt = updatedAt
    }
}

import Fluent
import Foundation

/// A person who can sign in: staff or participant.
final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data
    /// Lower-cased, trimmed; unique.
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "role") var role: Role
    /// bcrypt digest (`$2b$…`), never the password.
    @Field(key: "password_hash") var passwordHash: String

    init() {}

    init(id: UUID? = nil, email: String, name: String, role: Role, passwordHash: String) {
        self.id = id
        self.email = UserModel.normalise(email: email)
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
    }

    /// The form in which e-mail addresses are stored and compared.
    static func normalise(email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}

/// What a person may do. Stored as its raw value in `users.role` and `invitations.role`.
enum Role: String, Codable, CaseIterable, Sendable {
    case admin
    case facilitator
    case researcher
    case participant

    /// Staff see other people's records (and every such read is audit-logged).
    var isStaff: Bool { self != .participant }

    /// The roles an admin can invite by link.
    static let invitableStaff: [Role] = [.facilitator, .researcher]

    var displayName: String {
        switch self {
        case .admin: return "Administrator"
        case .facilitator: return "Facilitator"
        case .researcher: return "Researcher"
        case .participant: return "Participant"
        }
    }
}

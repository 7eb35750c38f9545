import Fluent

/// The programme offered to a waitlist participant after their last follow-up: when it was offered,
/// their answer, and the group they joined on accepting. One offer per screening-log row.
struct CreateWaitlistOffers: AsyncMigration {
    var name: String { "CreateWaitlistOffers" }

    func prepare(on database: any Database) async throws {
        try await database.schema(WaitlistOfferModel.schema)
            .id()
            .field("study_id", .uuid, .required, .references(StudyModel.schema, "id"))
            .field("screening_id", .uuid, .required, .references(StudyScreeningModel.schema, "id"))
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("offered_at", .datetime, .required)
            .field("decision", .string)
            .field("decided_at", .datetime)
            .field("group_id", .uuid)
            .field("enrolled_at", .datetime)
            .unique(on: "screening_id", name: "waitlist_offers_screening")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(WaitlistOfferModel.schema).delete()
    }
}

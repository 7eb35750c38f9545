import Fluent
import Foundation

/// The programme offered to a participant allocated to a waitlist arm, once their last follow-up was
/// submitted or its window closed (``WaitlistOffers``).
final class WaitlistOfferModel: Model, @unchecked Sendable {
    static let schema = "waitlist_offers"

    enum Decision: String, Codable, Sendable {
        case accepted
        case declined
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "study_id") var study: StudyModel
    @Parent(key: "screening_id") var screening: StudyScreeningModel
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "offered_at") var offeredAt: Date
    @OptionalField(key: "decision") var decision: Decision?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    /// The group they were added to on accepting (nil until the study's waitlist group is chosen).
    @OptionalField(key: "group_id") var groupID: UUID?
    @OptionalField(key: "enrolled_at") var enrolledAt: Date?

    init() {}

    init(studyID: UUID, screeningID: UUID, userID: UUID, offeredAt: Date) {
        $study.id = studyID
        $screening.id = screeningID
        $user.id = userID
        self.offeredAt = offeredAt
    }
}

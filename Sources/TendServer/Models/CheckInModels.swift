import Fluent
import Foundation
import TendCore

/// One check-in message between a roster member and the staff of their group. The text is a
/// participant's record: it is shown only to the participant and to their group's facilitator (or an
/// admin), never logged, never put in a notification.
final class CheckInMessageModel: Model, @unchecked Sendable {
    static let schema = "check_in_messages"

    @ID(key: .id) var id: UUID?
    @Field(key: "sent_at") var sentAt: Date
    /// Who wrote it: the participant, or a member of staff.
    @Field(key: "author") var author: CheckInMessage.Author
    @Field(key: "body") var body: String
    /// When the other side first saw it; nil while unread.
    @OptionalField(key: "read_at") var readAt: Date?

    @Parent(key: "group_id") var group: GroupModel
    @Parent(key: "roster_member_id") var member: RosterMemberModel
    @Parent(key: "author_id") var authorUser: UserModel

    init() {}

    init(groupID: UUID, memberID: UUID, author: CheckInMessage.Author, authorID: UUID, body: String, sentAt: Date) {
        self.$group.id = groupID
        self.$member.id = memberID
        self.author = author
        self.$authorUser.id = authorID
        self.body = body
        self.sentAt = sentAt
    }

    /// What the flag rules see of it.
    var ruleMessage: CheckInMessage { CheckInMessage(author: author, sentAt: sentAt) }
}

/// A group's own flag thresholds (absent: ``FlagThresholds/standard``).
final class GroupFlagSettingsModel: Model, @unchecked Sendable {
    static let schema = "group_flag_settings"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Field(key: "quiet_days") var quietDays: Int
    @Field(key: "rising_craving_entries") var risingCravingEntries: Int
    @Field(key: "dose_window_days") var doseWindowDays: Int
    @Field(key: "dose_margin") var doseMargin: Double
    @Field(key: "check_in_reply_hours") var checkInReplyHours: Int
    @Parent(key: "group_id") var group: GroupModel

    init() {}

    init(groupID: UUID, thresholds: FlagThresholds) {
        self.$group.id = groupID
        apply(thresholds)
    }

    func apply(_ thresholds: FlagThresholds) {
        quietDays = thresholds.quietDays
        risingCravingEntries = thresholds.risingCravingEntries
        doseWindowDays = thresholds.doseWindowDays
        doseMargin = thresholds.doseMargin
        checkInReplyHours = thresholds.checkInReplyHours
    }

    var thresholds: FlagThresholds {
        FlagThresholds(quietDays: quietDays, risingCravingEntries: risingCravingEntries, doseWindowDays: doseWindowDays,
                       doseMargin: doseMargin, checkInReplyHours: checkInReplyHours)
    }
}

/// One occurrence of an engagement flag for a roster member.
///
/// An occurrence is keyed by member + kind + the day the condition began (``EngagementFlag/since``) +
/// ``occurrence``. While the rules keep raising the same key it is the same occurrence, so an
/// acknowledgement stands. When the rules stop raising it, ``clearedAt`` is set; if the same key is
/// raised again after that, the condition has come back and a new occurrence (the next number) opens.
final class EngagementFlagModel: Model, @unchecked Sendable {
    static let schema = "engagement_flags"

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: EngagementFlag.Kind
    /// `YYYY-MM-DD`: the day the condition began.
    @Field(key: "since") var since: String
    @Field(key: "occurrence") var occurrence: Int
    /// The rules' sentence with the numbers behind the flag, as last seen.
    @Field(key: "detail") var detail: String
    @Field(key: "first_seen_at") var firstSeenAt: Date
    @OptionalField(key: "cleared_at") var clearedAt: Date?
    @OptionalField(key: "acknowledged_at") var acknowledgedAt: Date?
    @OptionalParent(key: "acknowledged_by_id") var acknowledgedBy: UserModel?
    /// The facilitator's note: private to staff, never logged.
    @OptionalField(key: "note") var note: String?

    @Parent(key: "group_id") var group: GroupModel
    @Parent(key: "roster_member_id") var member: RosterMemberModel

    init() {}

    init(groupID: UUID, memberID: UUID, flag: EngagementFlag, occurrence: Int, firstSeenAt: Date) {
        self.$group.id = groupID
        self.$member.id = memberID
        kind = flag.kind
        since = flag.since.description
        self.occurrence = occurrence
        detail = flag.detail
        self.firstSeenAt = firstSeenAt
    }

    /// Raised, not acknowledged, and the condition still holds.
    var isOpen: Bool { acknowledgedAt == nil && clearedAt == nil }
}

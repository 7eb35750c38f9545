import Fluent
import Foundation
import TendCore

/// A group run by one facilitator: a built-in programme version delivered weekly at a fixed time.
final class GroupModel: Model, @unchecked Sendable {
    static let schema = "delivery_groups"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @Field(key: "name") var name: String
    @Field(key: "programme_id") var programmeID: String
    @Field(key: "version_id") var versionID: String
    /// `YYYY-MM-DD`: the first meeting is on the first ``weekday`` on or after it.
    @Field(key: "start_date") var startDate: String
    /// ISO 8601 weekday number, Monday 1 … Sunday 7.
    @Field(key: "weekday") var weekday: Int
    /// `HH:MM` on the group's wall clock.
    @Field(key: "start_time") var startTime: String
    /// IANA time zone name.
    @Field(key: "time_zone") var timeZone: String
    @Field(key: "call_link") var callLink: String

    // relationships
    @Parent(key: "facilitator_id") var facilitator: UserModel

    init() {}

    init(name: String, programmeID: String, versionID: String, plan: GroupPlan, callLink: String, facilitatorID: UUID) {
        self.name = name
        self.programmeID = programmeID
        self.versionID = versionID
        self.startDate = plan.startDate.description
        self.weekday = plan.weekday.rawValue
        self.startTime = plan.time.description
        self.timeZone = plan.timeZone.identifier
        self.callLink = callLink
        self.$facilitator.id = facilitatorID
    }

    /// The meeting plan, or nil if a stored value no longer parses.
    var plan: GroupPlan? {
        guard let date = LocalDate(startDate), let day = Weekday(rawValue: weekday), let time = LocalTime(startTime),
              let zone = TimeZone(identifier: timeZone) else { return nil }
        return GroupPlan(startDate: date, weekday: day, time: time, timeZone: zone)
    }
}

/// A person on a group's roster: a display name and a study code (no account or e-mail needed), and,
/// once they accept an invitation, their participant account.
///
/// Members of a self-paced group (weekly self-help or daily practice) each have their own plan: the date
/// they start, the weekday new modules open (weekly self-help only) and their time zone. Members of a
/// scheduled group follow the group's meetings, so their plan columns stay empty.
final class RosterMemberModel: Model, @unchecked Sendable {
    static let schema = "roster_members"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    @Field(key: "display_name") var displayName: String
    @Field(key: "study_code") var studyCode: String

    @Parent(key: "group_id") var group: GroupModel

    /// The participant account, once they have accepted an invitation (at most one per member).
    @OptionalParent(key: "user_id") var user: UserModel?
    /// When they accepted their invitation.
    @OptionalField(key: "joined_at") var joinedAt: Date?
    /// `YYYY-MM-DD`: the enrolment date (weekly self-help) or day 1 (daily practice).
    @OptionalField(key: "plan_start_date") var planStartDate: String?
    /// ISO 8601 weekday number (Monday 1 … Sunday 7) on which new modules open (weekly self-help).
    @OptionalField(key: "plan_weekday") var planWeekday: Int?
    /// The member's IANA time zone name.
    @OptionalField(key: "plan_time_zone") var planTimeZone: String?
    /// ``SelfHelpPlan/FirstModule`` raw value (weekly self-help): stored so a later change of default
    /// never moves the dates of someone already enrolled.
    @OptionalField(key: "plan_first_module") var planFirstModule: String?

    init() {}

    init(displayName: String, studyCode: String, groupID: UUID) {
        self.displayName = displayName
        self.studyCode = studyCode
        self.$group.id = groupID
    }
}

/// One mark in a group's attendance register: a roster member at the session in one schedule position.
final class AttendanceMarkModel: Model, @unchecked Sendable {
    static let schema = "attendance_marks"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    /// The 1-based position of the meeting in the group's schedule.
    @Field(key: "session_position") var sessionPosition: Int
    @Field(key: "mark") var mark: AttendanceMark

    @Parent(key: "group_id") var group: GroupModel
    @Parent(key: "roster_member_id") var member: RosterMemberModel
    @Parent(key: "recorded_by_id") var recordedBy: UserModel

    init() {}

    init(groupID: UUID, memberID: UUID, sessionPosition: Int, mark: AttendanceMark, recordedByID: UUID) {
        self.$group.id = groupID
        self.$member.id = memberID
        self.sessionPosition = sessionPosition
        self.mark = mark
        self.$recordedBy.id = recordedByID
    }
}

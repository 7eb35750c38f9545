import Fluent
import Foundation
import TendCore

/// One participant's reminder choices: what (practice days and time, meeting leads, releases), how
/// (in the app always; e-mail and the SMS webhook when chosen), the quiet hours and zone; with the
/// secret their unsubscribe links are signed with and their calendar feed's token.
final class ReminderPreferenceModel: Model, @unchecked Sendable {
    static let schema = "reminder_preferences"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: UserModel
    /// ISO weekday numbers, comma-separated (`1,3,5`); empty for no practice reminders.
    @Field(key: "weekdays") var weekdays: String
    /// `HH:MM`.
    @Field(key: "practice_time") var practiceTime: String
    @Field(key: "time_zone") var timeZone: String
    @OptionalField(key: "quiet_start") var quietStart: String?
    @OptionalField(key: "quiet_end") var quietEnd: String?
    /// ``MeetingLead`` raw values, comma-separated.
    @Field(key: "meeting_leads") var meetingLeads: String
    @Field(key: "releases") var releases: Bool
    @Field(key: "by_email") var byEmail: Bool
    @Field(key: "by_sms") var bySMS: Bool
    /// E.164 (`+447700900123`), for the SMS webhook.
    @OptionalField(key: "phone") var phone: String?
    /// Random; signs this participant's unsubscribe links (``UnsubscribeToken``).
    @Field(key: "unsubscribe_secret") var unsubscribeSecret: String
    /// The secret in the participant's calendar feed URL. Kept as is (not a digest) because the page shows
    /// the link whenever they need to add it to another calendar; the feed shows only meeting and release times.
    @OptionalField(key: "calendar_token") var calendarToken: String?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    /// The choices as TendCore reads them; nil if a stored value no longer parses.
    var choices: ReminderChoices? {
        guard let time = LocalTime(practiceTime), let zone = TimeZone(identifier: timeZone) else { return nil }
        let days = Set(weekdays.split(separator: ",").compactMap { Int($0).flatMap(Weekday.init(rawValue:)) })
        let leads = Set(meetingLeads.split(separator: ",").compactMap { MeetingLead(rawValue: String($0)) })
        return ReminderChoices(
            preference: ReminderPreference(weekdays: days, time: time, timeZone: zone,
                                           quietStart: quietStart.flatMap(LocalTime.init), quietEnd: quietEnd.flatMap(LocalTime.init)),
            meetingLeads: leads, releases: releases)
    }

    /// Stores `choices` (the kinds, days, time, quiet hours and zone).
    func set(_ choices: ReminderChoices) {
        weekdays = choices.preference.weekdays.map(\.rawValue).sorted().map(String.init).joined(separator: ",")
        practiceTime = choices.preference.time.description
        timeZone = choices.preference.timeZone.identifier
        quietStart = choices.preference.quietStart?.description
        quietEnd = choices.preference.quietEnd?.description
        meetingLeads = MeetingLead.allCases.filter { choices.meetingLeads.contains($0) }.map(\.rawValue).joined(separator: ",")
        releases = choices.releases
    }

    /// Turns off one kind of reminder (an unsubscribe link).
    func turnOff(_ kind: ReminderKind) {
        switch kind {
        case .practice: weekdays = ""
        case .meeting: meetingLeads = ""
        case .release: releases = false
        }
    }
}

/// One line in a person's in-app notifications. The text names what happened ("Your group meets in an
/// hour") and never quotes private content; it is shown from `created_at`, which a planned reminder
/// sets to when it is due.
final class NotificationModel: Model, @unchecked Sendable {
    static let schema = "notifications"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "kind") var kind: String
    @Field(key: "text") var text: String
    /// A path on this site.
    @OptionalField(key: "link") var link: String?
    /// Unique: the same notification is never written twice.
    @Field(key: "dedupe_key") var dedupeKey: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "read_at") var readAt: Date?

    init() {}
}

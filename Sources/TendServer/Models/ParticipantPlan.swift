import Foundation
import TendCore

/// A self-paced group (a supported cohort of a weekly self-help or daily-practice programme) stored in
/// the same `delivery_groups` row as a scheduled group. There are no meetings, so the columns mean:
///
/// - `start_date`: the date the cohort opens; no member's plan starts before it;
/// - `weekday`: the release weekday suggested to each member of a weekly self-help cohort (each member
///   chooses their own); for daily practice, the weekday of `start_date`;
/// - `start_time`: the wall-clock time in each member's zone at which a module or day opens;
/// - `time_zone`: the zone suggested to each member;
/// - `call_link`: empty (there is no video call).
struct CohortSettings: Sendable, Equatable {
    var opens: LocalDate
    var suggestedWeekday: Weekday
    var releaseTime: LocalTime
    var timeZone: TimeZone
}

extension GroupModel {
    /// A self-paced cohort (see ``CohortSettings``).
    convenience init(name: String, programmeID: String, versionID: String, cohort: CohortSettings, facilitatorID: UUID) {
        self.init()
        self.name = name
        self.programmeID = programmeID
        self.versionID = versionID
        self.startDate = cohort.opens.description
        self.weekday = cohort.suggestedWeekday.rawValue
        self.startTime = cohort.releaseTime.description
        self.timeZone = cohort.timeZone.identifier
        self.callLink = ""
        self.$facilitator.id = facilitatorID
    }

    /// The cohort settings of a self-paced group, or nil if a stored value no longer parses.
    var cohort: CohortSettings? {
        guard let date = LocalDate(startDate), let day = Weekday(rawValue: weekday), let time = LocalTime(startTime),
              let zone = TimeZone(identifier: timeZone) else { return nil }
        return CohortSettings(opens: date, suggestedWeekday: day, releaseTime: time, timeZone: zone)
    }
}

/// One member's own plan in a self-paced group, as stored on the roster member.
struct MemberPlan: Sendable, Equatable {
    /// The enrolment date (weekly self-help) or day 1 (daily practice).
    var startDate: LocalDate
    /// The weekday new modules open; nil for daily practice.
    var weekday: Weekday?
    var timeZone: TimeZone
    var firstModule: SelfHelpPlan.FirstModule

    /// A newly enrolled member's first module opens on the day they join, so no one signs up to an empty
    /// page; the next opens on their chosen weekday at least a week later.
    static let defaultFirstModule = SelfHelpPlan.FirstModule.onEnrolment
}

extension RosterMemberModel {
    /// The member's own plan, when they have one (members of self-paced groups who have joined).
    var memberPlan: MemberPlan? {
        get {
            guard let raw = planStartDate, let date = LocalDate(raw), let zoneName = planTimeZone,
                  let zone = TimeZone(identifier: zoneName) else { return nil }
            let first = planFirstModule.flatMap(SelfHelpPlan.FirstModule.init(rawValue:)) ?? MemberPlan.defaultFirstModule
            return MemberPlan(startDate: date, weekday: planWeekday.flatMap(Weekday.init(rawValue:)), timeZone: zone, firstModule: first)
        }
        set {
            planStartDate = newValue?.startDate.description
            planWeekday = newValue?.weekday?.rawValue
            planTimeZone = newValue?.timeZone.identifier
            planFirstModule = newValue.map { $0.weekday == nil ? nil : $0.firstModule.rawValue } ?? nil
        }
    }

    /// How this member receives `programme` in `group`: the group's meetings, or their own plan. Nil when
    /// the member of a self-paced group has no plan yet (they have not joined) or stored values no longer parse.
    func deliveryPlan(in group: GroupModel, programme: Programme) -> DeliveryPlan? {
        switch programme.delivery {
        case .scheduledGroup:
            return group.plan.map(DeliveryPlan.group)
        case .weeklySelfHelp:
            guard let plan = memberPlan, let weekday = plan.weekday, let release = group.cohort?.releaseTime else { return nil }
            return .selfHelp(SelfHelpPlan(enrolmentDate: plan.startDate, weekday: weekday, timeZone: plan.timeZone,
                                          releaseTime: release, firstModule: plan.firstModule))
        case .dailyPractice:
            guard let plan = memberPlan, let release = group.cohort?.releaseTime else { return nil }
            return .daily(DailyPlan(startDate: plan.startDate, timeZone: plan.timeZone, releaseTime: release))
        }
    }
}

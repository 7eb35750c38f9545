import Foundation

/// One urine or saliva drug test.
public struct DrugTestResult: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        case negative, positive
        /// Adulterated, spoiled or unreadable: treated as no test.
        case invalid
    }
    public var participant: String
    public var date: LocalDate
    /// Substance the result is for, e.g. "opioids" (compared case-insensitively).
    public var substance: String
    public var outcome: Outcome

    public init(participant: String, date: LocalDate, substance: String, outcome: Outcome) {
        self.participant = participant
        self.date = date
        self.substance = substance
        self.outcome = outcome
    }
}

/// A participant's own report of using a substance on a day (a timeline follow-back entry or diary).
public struct SelfReportedUse: Sendable, Equatable, Codable {
    public var participant: String
    public var date: LocalDate
    /// Compared case-insensitively with the analysis substance.
    public var substance: String

    public init(participant: String, date: LocalDate, substance: String) {
        self.participant = participant
        self.date = date
        self.substance = substance
    }
}

/// A participant in the abstinence analysis: arm and the date their study day 0 falls on.
public struct AbstinenceParticipant: Sendable, Equatable, Codable {
    public var participant: String
    public var arm: String
    public var start: LocalDate

    public init(participant: String, arm: String, start: LocalDate) {
        self.participant = participant
        self.arm = arm
        self.start = start
    }
}

/// How a period without a valid test counts.
public enum MissingPeriodRule: String, Sendable, Codable, CaseIterable {
    /// Missing = not abstinent (the usual conservative primary analysis in substance-use trials).
    case countAsNotAbstinent = "count-as-not-abstinent"
    /// Missing periods are left out of numerator and denominator (a sensitivity analysis).
    case leaveOut = "leave-out"
}

public struct AbstinenceOptions: Sendable, Equatable, Codable {
    public var substance: String
    /// Length of one period in days (14 for 2-week periods).
    public var periodDays: Int
    /// First day of the first period, counted from the participant's start (day 0). Week 13 starts on
    /// day 84.
    public var firstDay: Int
    public var periodCount: Int
    public var missing: MissingPeriodRule

    /// Seed 003's primary outcome window: six 2-week periods over study weeks 13–24 (days 84–167).
    public init(substance: String, periodDays: Int = 14, firstDay: Int = 84, periodCount: Int = 6,
                missing: MissingPeriodRule = .countAsNotAbstinent) {
        self.substance = substance
        self.periodDays = periodDays
        self.firstDay = firstDay
        self.periodCount = periodCount
        self.missing = missing
    }
}

public enum PeriodStatus: String, Sendable, Codable, CaseIterable {
    case abstinent
    case notAbstinent = "not-abstinent"
    case missing
}

public struct ParticipantAbstinence: Sendable, Equatable, Codable {
    public var participant: String
    public var arm: String
    /// One status per period, in order.
    public var periods: [PeriodStatus]
    /// Abstinent periods / counted periods under the missing rule; nil when no period counts.
    public var proportion: Double?
}

public struct ArmAbstinence: Sendable, Equatable, Codable {
    public var arm: String
    public var participants: Int
    /// Periods counted under the missing rule (all periods when missing counts as not abstinent).
    public var periodsCounted: Int
    public var abstinentPeriods: Int
    public var missingPeriods: Int
    /// abstinentPeriods / periodsCounted (a fraction, not ×100); NaN when no period counts.
    public var proportionOfPeriods: Double
    /// Mean over participants of each participant's proportion; NaN when none has one.
    public var meanParticipantProportion: Double
}

public struct AbstinenceReport: Sendable, Equatable, Codable {
    public var options: AbstinenceOptions
    public var participants: [ParticipantAbstinence]
    public var arms: [ArmAbstinence]
    /// The rules in words, for the report.
    public var rule: String
}

/// Abstinence per fixed period from biochemical tests (seed 003: 2-week periods in weeks 13–24).
public enum AbstinencePeriods {
    /// Classifies each participant's periods and summarises by arm.
    ///
    /// ```
    /// period k (0-based) = days [firstDay + k·periodDays, firstDay + (k + 1)·periodDays − 1] after start
    /// not abstinent ⇔ any valid test for the substance in the period is positive, or any self-reported
    ///                 use of it on a day in the period
    /// abstinent     ⇔ otherwise, when ≥ 1 valid test for the substance in the period (all negative)
    /// missing       ⇔ otherwise (no valid test and no reported use)
    /// proportion_i = abstinent_i / counted_i;  arm: Σ abstinent / Σ counted and mean_i proportion_i
    /// ```
    ///
    /// counted = all periods when missing counts as not abstinent, else the non-missing ones. Tests for
    /// other substances, invalid tests and tests or reports outside the window are ignored. The outcome follows the seed 003
    /// trial (Schuman-Olivier and colleagues, JAMA Network Open): 2-week periods with confirmed abstinence.
    ///
    /// - Throws: `InputError` for non-positive period settings, a blank substance, a duplicate participant,
    ///   or a test for a participant not in `participants`.
    public static func analyse(participants: [AbstinenceParticipant], tests: [DrugTestResult],
                               selfReports: [SelfReportedUse] = [], options: AbstinenceOptions,
                               armOrder: [String] = []) throws(InputError) -> AbstinenceReport {
        guard options.periodDays > 0 else { throw InputError(field: "periodDays", value: "\(options.periodDays)", expected: "at least 1 day") }
        guard options.periodCount > 0 else { throw InputError(field: "periodCount", value: "\(options.periodCount)", expected: "at least 1 period") }
        guard options.firstDay >= 0 else { throw InputError(field: "firstDay", value: "\(options.firstDay)", expected: "a day ≥ 0 after the start") }
        let substance = options.substance.trimmingWhitespace().lowercased()
        guard !substance.isEmpty else { throw InputError(field: "substance", value: "\"\(options.substance)\"", expected: "a substance name") }
        var index: [String: Int] = [:]
        for (i, p) in participants.enumerated() {
            guard index[p.participant] == nil else {
                throw InputError(field: "participants[\(i)].participant", value: p.participant, expected: "each participant once")
            }
            index[p.participant] = i
        }
        // Per participant and period: nil = no valid test yet, true = all negative so far, false = a positive.
        var state = [[Bool?]](repeating: [Bool?](repeating: nil, count: options.periodCount), count: participants.count)
        for (t, test) in tests.enumerated() {
            guard let i = index[test.participant] else {
                throw InputError(field: "tests[\(t)].participant", value: test.participant, expected: "a participant listed in participants")
            }
            guard test.substance.trimmingWhitespace().lowercased() == substance, test.outcome != .invalid else { continue }
            let day = test.date.daysSinceEpoch - participants[i].start.daysSinceEpoch - options.firstDay
            guard day >= 0 else { continue }
            let k = day / options.periodDays
            guard k < options.periodCount else { continue }
            let negative = test.outcome == .negative
            state[i][k] = (state[i][k] ?? true) && negative
        }
        var reportedUse = [[Bool]](repeating: [Bool](repeating: false, count: options.periodCount), count: participants.count)
        for (r, report) in selfReports.enumerated() {
            guard let i = index[report.participant] else {
                throw InputError(field: "selfReports[\(r)].participant", value: report.participant, expected: "a participant listed in participants")
            }
            guard report.substance.trimmingWhitespace().lowercased() == substance else { continue }
            let day = report.date.daysSinceEpoch - participants[i].start.daysSinceEpoch - options.firstDay
            guard day >= 0, day / options.periodDays < options.periodCount else { continue }
            reportedUse[i][day / options.periodDays] = true
        }
        var rows: [ParticipantAbstinence] = []
        for (i, p) in participants.enumerated() {
            let periods = state[i].indices.map { k -> PeriodStatus in
                if reportedUse[i][k] { return .notAbstinent }
                switch state[i][k] {
                case nil: return .missing
                case true?: return .abstinent
                case false?: return .notAbstinent
                }
            }
            let abstinent = periods.filter { $0 == .abstinent }.count
            let counted = counted(periods, options.missing)
            rows.append(ParticipantAbstinence(participant: p.participant, arm: p.arm, periods: periods,
                                              proportion: counted > 0 ? Double(abstinent) / Double(counted) : nil))
        }
        var armNames = armOrder
        for p in participants where !armNames.contains(p.arm) { armNames.append(p.arm) }
        let arms = armNames.map { arm -> ArmAbstinence in
            let members = rows.filter { $0.arm == arm }
            let abstinent = members.reduce(0) { $0 + $1.periods.filter { $0 == .abstinent }.count }
            let missing = members.reduce(0) { $0 + $1.periods.filter { $0 == .missing }.count }
            let countedPeriods = members.reduce(0) { $0 + counted($1.periods, options.missing) }
            let proportions = members.compactMap(\.proportion)
            return ArmAbstinence(arm: arm, participants: members.count, periodsCounted: countedPeriods,
                                 abstinentPeriods: abstinent, missingPeriods: missing,
                                 proportionOfPeriods: countedPeriods > 0 ? Double(abstinent) / Double(countedPeriods) : .nan,
                                 meanParticipantProportion: proportions.isEmpty ? .nan : Descriptive.mean(proportions))
        }
        let last = options.firstDay + options.periodDays * options.periodCount - 1
        let missingText = options.missing == .countAsNotAbstinent
            ? "a period without a valid test counts as not abstinent"
            : "periods without a valid test are left out of both counts"
        let rule = "\(options.periodCount) periods of \(options.periodDays) days, days \(options.firstDay)–\(last) after each participant's start; a period is abstinent when it has at least one valid \(options.substance) test, all negative, and no self-reported use; \(missingText)."
        return AbstinenceReport(options: options, participants: rows, arms: arms, rule: rule)
    }

    static func counted(_ periods: [PeriodStatus], _ rule: MissingPeriodRule) -> Int {
        rule == .countAsNotAbstinent ? periods.count : periods.filter { $0 != .missing }.count
    }
}

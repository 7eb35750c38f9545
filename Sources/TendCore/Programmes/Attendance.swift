import Foundation

/// What the register says about one roster member at one group session.
public enum AttendanceMark: String, Codable, Sendable, CaseIterable {
    case attended
    case missed
    /// Absent with notice given and accepted by the facilitator. Counted apart from `missed`.
    case excused

    public var displayName: String {
        switch self {
        case .attended: return "Attended"
        case .missed: return "Missed"
        case .excused: return "Excused"
        }
    }
}

/// One line of an attendance register: a roster member, a session (1-based) and the mark.
public struct AttendanceEntry<ParticipantID: Hashable & Sendable>: Sendable, Equatable {
    public var participant: ParticipantID
    public var session: Int
    public var mark: AttendanceMark

    public init(participant: ParticipantID, session: Int, mark: AttendanceMark) {
        self.participant = participant
        self.session = session
        self.mark = mark
    }
}

/// One roster member's counts over the sessions of a group.
public struct ParticipantAttendance<ParticipantID: Hashable & Sendable>: Sendable, Equatable {
    public var participant: ParticipantID
    public var attended: Int
    public var missed: Int
    public var excused: Int
    /// Sessions with no mark yet (not yet held, or not yet recorded).
    public var unrecorded: Int
}

/// The missed-sessions summary of one group, as reported for seed 001 ("the median missed session number
/// was zero, with a maximum missed session number of three", 13 participants).
public struct MissedSessionsSummary<ParticipantID: Hashable & Sendable>: Sendable, Equatable {
    /// One row per roster member, in roster order.
    public var participants: [ParticipantAttendance<ParticipantID>]
    /// Median over roster members of the number of sessions marked `missed`; nil for an empty roster.
    public var medianMissed: Double?
    /// Largest number of sessions marked `missed` by one roster member; nil for an empty roster.
    public var maximumMissed: Int?
    /// Roster members with at least one session marked `missed`.
    public var participantsWhoMissedAny: Int
    /// Totals over the whole register.
    public var totalAttended: Int
    public var totalMissed: Int
    public var totalExcused: Int
}

/// A register that cannot be summarised: names the field, the value and what was expected.
public struct AttendanceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var value: String
    public var expected: String

    public init(field: String, value: String, expected: String) {
        self.field = field
        self.value = value
        self.expected = expected
    }

    public var description: String { "\(field) is \(value); expected \(expected)" }
}

public enum AttendanceRegister {
    /// Summarises a group's register.
    ///
    /// For roster member *i*, `missedᵢ` = number of sessions s ∈ 1…`sessionCount` marked `missed`
    /// (`excused` is counted separately and is not a missed session). The group's summary is
    /// median(missed₁…missedₙ) (the middle value, or the mean of the two middle values for even n) and
    /// max(missed₁…missedₙ), as reported in seed 001.
    ///
    /// - Parameters:
    ///   - roster: the group's members, in the order rows should appear; ids must be distinct.
    ///   - sessionCount: number of sessions in the group's programme version (≥ 1).
    ///   - entries: at most one mark per member and session.
    /// - Throws: ``AttendanceError`` for a duplicate roster id, a member not on the roster, a session
    ///   outside 1…`sessionCount`, or two marks for the same member and session.
    public static func summarise<ID: Hashable & Sendable>(
        roster: [ID],
        sessionCount: Int,
        entries: [AttendanceEntry<ID>]
    ) throws(AttendanceError) -> MissedSessionsSummary<ID> {
        guard sessionCount >= 1 else {
            throw AttendanceError(field: "sessionCount", value: String(sessionCount), expected: "at least 1")
        }
        var index: [ID: Int] = [:]
        for (position, id) in roster.enumerated() {
            guard index[id] == nil else {
                throw AttendanceError(field: "roster", value: "\(id) listed twice", expected: "distinct participants")
            }
            index[id] = position
        }
        var rows = roster.map {
            ParticipantAttendance(participant: $0, attended: 0, missed: 0, excused: 0, unrecorded: sessionCount)
        }
        var seen = Set<Int>()
        for entry in entries {
            guard let position = index[entry.participant] else {
                throw AttendanceError(field: "participant", value: "\(entry.participant)", expected: "a member of the roster")
            }
            guard (1...sessionCount).contains(entry.session) else {
                throw AttendanceError(field: "session", value: String(entry.session), expected: "a session from 1 to \(sessionCount)")
            }
            guard seen.insert(position * sessionCount + (entry.session - 1)).inserted else {
                throw AttendanceError(field: "entries", value: "two marks for \(entry.participant) at session \(entry.session)",
                                      expected: "at most one mark per participant and session")
            }
            switch entry.mark {
            case .attended: rows[position].attended += 1
            case .missed: rows[position].missed += 1
            case .excused: rows[position].excused += 1
            }
            rows[position].unrecorded -= 1
        }
        let missed = rows.map(\.missed)
        return MissedSessionsSummary(
            participants: rows,
            medianMissed: missed.isEmpty ? nil : Descriptive.median(missed.map(Double.init)),
            maximumMissed: missed.max(),
            participantsWhoMissedAny: missed.filter { $0 > 0 }.count,
            totalAttended: rows.reduce(0) { $0 + $1.attended },
            totalMissed: rows.reduce(0) { $0 + $1.missed },
            totalExcused: rows.reduce(0) { $0 + $1.excused })
    }
}

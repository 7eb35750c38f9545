import Foundation

/// Attendance at group sessions and logged home practice, summarised by arm for the study dashboard.
public enum StudyEngagement {
    /// One attendance mark of an allocated participant in their arm's group.
    public struct Mark: Sendable, Equatable {
        public var participant: String
        public var arm: String
        public var session: Int
        public var mark: AttendanceMark

        public init(participant: String, arm: String, session: Int, mark: AttendanceMark) {
            self.participant = participant
            self.arm = arm
            self.session = session
            self.mark = mark
        }
    }

    /// Attendance at one session position in one arm: marks recorded, of the arm's allocated members.
    public struct SessionAttendance: Sendable, Equatable {
        public var session: Int
        public var attended: Int
        public var missed: Int
        public var excused: Int
        /// Members with no mark for this session.
        public var unrecorded: Int
        /// attended / members (NaN when the arm has none).
        public var rate: Double
    }

    public struct ArmAttendance: Sendable, Equatable {
        public var arm: String
        /// Participants allocated to the arm.
        public var members: Int
        public var sessions: [SessionAttendance]
    }

    /// Attendance per session position for each arm in `arms` (in that order), out of `members[arm]`
    /// allocated participants; a participant's later mark for the same session replaces an earlier one.
    public static func attendance(_ marks: [Mark], arms: [String], members: [String: Int]) -> [ArmAttendance] {
        var latest: [String: [String: [Int: AttendanceMark]]] = [:]
        for m in marks { latest[m.arm, default: [:]][m.participant, default: [:]][m.session] = m.mark }
        return arms.map { arm in
            let byPerson = latest[arm] ?? [:]
            let n = members[arm] ?? 0
            let positions = Set(byPerson.values.flatMap(\.keys)).sorted()
            let sessions = positions.map { session -> SessionAttendance in
                var a = 0, miss = 0, ex = 0
                for marks in byPerson.values {
                    switch marks[session] {
                    case .attended?: a += 1
                    case .missed?: miss += 1
                    case .excused?: ex += 1
                    case nil: break
                    }
                }
                return SessionAttendance(session: session, attended: a, missed: miss, excused: ex,
                                         unrecorded: max(0, n - a - miss - ex), rate: n > 0 ? Double(a) / Double(n) : .nan)
            }
            return ArmAttendance(arm: arm, members: n, sessions: sessions)
        }
    }

    /// One practice a participant logged (date and minutes).
    public struct Practice: Sendable, Equatable {
        public var participant: String
        public var date: LocalDate
        public var minutes: Int

        public init(participant: String, date: LocalDate, minutes: Int) {
            self.participant = participant
            self.date = date
            self.minutes = minutes
        }
    }

    /// Practice of one arm: per participant total minutes and days with any practice, summarised.
    public struct ArmPractice: Sendable, Equatable {
        public var arm: String
        public var participants: Int
        /// Participants who logged any practice.
        public var practising: Int
        public var meanMinutes: Double
        public var sdMinutes: Double
        public var medianMinutes: Double
        public var meanDays: Double
        public var sdDays: Double
        public var medianDays: Double
    }

    /// Practice engagement by arm over the programme: for each allocated participant (`armOf`), the
    /// minutes and distinct days logged on or after `from[participant]` (their allocation date) and, when
    /// given, on or before `until`; participants who logged nothing count as zero.
    public static func practice(_ entries: [Practice], arms: [String], armOf: [String: String],
                                from: [String: LocalDate], until: LocalDate? = nil) -> [ArmPractice] {
        var minutes: [String: Int] = [:]
        var days: [String: Set<LocalDate>] = [:]
        for e in entries {
            guard armOf[e.participant] != nil else { continue }
            if let start = from[e.participant], e.date < start { continue }
            if let until, e.date > until { continue }
            minutes[e.participant, default: 0] += e.minutes
            days[e.participant, default: []].insert(e.date)
        }
        var byArm: [String: [String]] = [:]
        for (p, arm) in armOf { byArm[arm, default: []].append(p) }
        return arms.map { arm in
            let people = byArm[arm] ?? []
            let m = people.map { Double(minutes[$0] ?? 0) }
            let d = people.map { Double(days[$0]?.count ?? 0) }
            return ArmPractice(arm: arm, participants: people.count, practising: people.filter { (minutes[$0] ?? 0) > 0 }.count,
                               meanMinutes: Descriptive.mean(m), sdMinutes: Descriptive.standardDeviation(m),
                               medianMinutes: m.isEmpty ? .nan : Descriptive.median(m),
                               meanDays: Descriptive.mean(d), sdDays: Descriptive.standardDeviation(d),
                               medianDays: d.isEmpty ? .nan : Descriptive.median(d))
        }
    }
}

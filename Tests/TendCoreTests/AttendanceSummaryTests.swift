import Testing
@testable import TendCore

/// The missed-sessions summary of a group's attendance register (seed 001's reporting).
@Suite("Attendance register summary")
struct AttendanceSummaryTests {
    /// Marks every session 1…`sessions` attended except those listed as missed or excused.
    private func register(_ id: String, sessions: Int, missed: Set<Int> = [], excused: Set<Int> = []) -> [AttendanceEntry<String>] {
        (1...sessions).map { session in
            let mark: AttendanceMark = missed.contains(session) ? .missed : excused.contains(session) ? .excused : .attended
            return AttendanceEntry(participant: id, session: session, mark: mark)
        }
    }

    @Test("A register like seed 001's: 13 people, six missed at least one session, median 0, maximum 3")
    func seed001() throws {
        // Seed 001: "All 13 patients ... completed it. Despite this six people missed at least one session.
        // The median missed session number was zero, with a maximum missed session number of three."
        let roster = (1...13).map { "P\($0)" }
        let missedBy: [String: Set<Int>] = ["P2": [3], "P4": [5], "P6": [2], "P8": [4, 7], "P10": [1, 6], "P12": [2, 5, 8]]
        let entries = roster.flatMap { register($0, sessions: 8, missed: missedBy[$0] ?? []) }
        let summary = try AttendanceRegister.summarise(roster: roster, sessionCount: 8, entries: entries)
        #expect(summary.medianMissed == 0)
        #expect(summary.maximumMissed == 3)
        #expect(summary.participantsWhoMissedAny == 6)
        #expect(summary.totalMissed == 1 + 1 + 1 + 2 + 2 + 3)
        #expect(summary.totalAttended == 13 * 8 - 10)
        #expect(summary.participants.map(\.participant) == roster)
        #expect(summary.participants[11] == ParticipantAttendance(participant: "P12", attended: 5, missed: 3, excused: 0, unrecorded: 0))
    }

    @Test("Excused sessions are counted apart and are not missed sessions")
    func excusedIsNotMissed() throws {
        let entries = register("A", sessions: 4, missed: [1], excused: [2, 3])
        let summary = try AttendanceRegister.summarise(roster: ["A"], sessionCount: 4, entries: entries)
        #expect(summary.participants == [ParticipantAttendance(participant: "A", attended: 1, missed: 1, excused: 2, unrecorded: 0)])
        #expect(summary.medianMissed == 1)
        #expect(summary.totalExcused == 2)
    }

    @Test("An even roster's median is the mean of the two middle counts; unmarked sessions are unrecorded")
    func evenRosterAndUnrecorded() throws {
        let entries = register("A", sessions: 3, missed: [1, 2, 3]) + register("B", sessions: 2, missed: [1])
            + register("C", sessions: 3, missed: [1, 2]) + [AttendanceEntry(participant: "D", session: 1, mark: .attended)]
        let summary = try AttendanceRegister.summarise(roster: ["A", "B", "C", "D"], sessionCount: 3, entries: entries)
        // missed counts 3, 1, 2, 0 → sorted 0 1 2 3 → median (1 + 2) / 2
        #expect(summary.medianMissed == 1.5)
        #expect(summary.maximumMissed == 3)
        #expect(summary.participants[1].unrecorded == 1)
        #expect(summary.participants[3] == ParticipantAttendance(participant: "D", attended: 1, missed: 0, excused: 0, unrecorded: 2))
    }

    @Test("An empty roster has no median or maximum")
    func emptyRoster() throws {
        let summary = try AttendanceRegister.summarise(roster: [String](), sessionCount: 8, entries: [])
        #expect(summary.medianMissed == nil)
        #expect(summary.maximumMissed == nil)
        #expect(summary.participantsWhoMissedAny == 0)
    }

    @Test("A register that does not fit the roster or the sessions is refused, naming the field")
    func invalidRegisters() {
        #expect(throws: AttendanceError(field: "participant", value: "Z", expected: "a member of the roster")) {
            try AttendanceRegister.summarise(roster: ["A"], sessionCount: 2, entries: [.init(participant: "Z", session: 1, mark: .missed)])
        }
        #expect(throws: AttendanceError(field: "session", value: "3", expected: "a session from 1 to 2")) {
            try AttendanceRegister.summarise(roster: ["A"], sessionCount: 2, entries: [.init(participant: "A", session: 3, mark: .missed)])
        }
        #expect(throws: AttendanceError.self) {
            try AttendanceRegister.summarise(roster: ["A"], sessionCount: 2,
                                             entries: [.init(participant: "A", session: 1, mark: .missed), .init(participant: "A", session: 1, mark: .attended)])
        }
        #expect(throws: AttendanceError.self) {
            try AttendanceRegister.summarise(roster: ["A", "A"], sessionCount: 2, entries: [])
        }
        #expect(throws: AttendanceError(field: "sessionCount", value: "0", expected: "at least 1")) {
            try AttendanceRegister.summarise(roster: ["A"], sessionCount: 0, entries: [])
        }
    }
}

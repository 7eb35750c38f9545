import Fluent
import Foundation
import TendCore
import TendResources
import Vapor

/// `tend demo`: fills a database with a fabricated but realistic service, so a newcomer sees a living
/// system at once: an admin, facilitators and a researcher; a group or cohort of every built-in programme
/// version, each part-way through (started some weeks ago); participants with accounts on every roster,
/// their own plans in self-paced cohorts; and an attendance register for every meeting already held.
///
/// Everything is generated from a fixed seed, so two runs on empty databases give the same service. Every
/// account shares one password (printed by the command); the e-mail domain `demo.tend.invalid` cannot
/// receive mail. Names are invented.
public enum DemoService {
    public struct Options: Sendable {
        /// Participants in all, spread over the groups (at least one per group).
        public var participants: Int
        public var password: String
        /// "Today" for the service: groups are placed relative to it.
        public var today: Date
        public var seed: UInt64

        public init(participants: Int = 120, password: String, today: Date = Date(), seed: UInt64 = 2026) {
            self.participants = participants
            self.password = password
            self.today = today
            self.seed = seed
        }
    }

    public struct Summary: Sendable {
        public var admin: String
        public var facilitators: [String]
        public var researcher: String
        /// One participant sign-in per programme, for trying the participant's pages.
        public var sampleParticipants: [SampleParticipant]
        public var groups: Int
        public var participants: Int
        public var attendanceMarks: Int
    }

    public struct SampleParticipant: Sendable {
        public var email: String
        public var programme: String
    }

    public enum DemoError: Error, CustomStringConvertible {
        case notEmpty(users: Int)
        case noProgrammes

        public var description: String {
            switch self {
            case .notEmpty(let users):
                return "The database already has \(users) account\(users == 1 ? "" : "s"); `tend demo` fills only an empty database. Point TEND_DATA_DIR or TEND_DATABASE_URL at a new one."
            case .noProgrammes:
                return "No built-in programmes could be read, so there is nothing to run groups of."
            }
        }
    }

    public static let domain = "demo.tend.invalid"

    /// Fills `app`'s (migrated, empty) database. Refuses a database that already has accounts.
    public static func fill(_ app: Application, options: Options) async throws -> Summary {
        let existing = try await UserModel.query(on: app.db).count()
        guard existing == 0 else { throw DemoError.notEmpty(users: existing) }
        let programmes = try ProgrammeCatalog.builtIn()
        guard !programmes.isEmpty else { throw DemoError.noProgrammes }
        let hash = try await app.password.async.hash(options.password).get()
        // One transaction: all or nothing, and one durable commit instead of thousands.
        return try await app.db.transaction { db in
            try await fill(db, programmes: programmes, passwordHash: hash, options: options)
        }
    }

    private static func fill(_ db: any Database, programmes: [Programme], passwordHash hash: String,
                             options: Options) async throws -> Summary {
        var random = SeededGenerator(seed: options.seed)  // SplitMix64, so a demo is reproducible

        // Staff.
        let admin = UserModel(email: "admin@\(domain)", name: "Alex Morgan", role: .admin, passwordHash: hash)
        let researcher = UserModel(email: "research@\(domain)", name: "Sam Reid", role: .researcher, passwordHash: hash)
        try await [admin, researcher].create(on: db)

        // Groups of 8 to 12, cycling through every version of every programme (so a small demo still has
        // one of each), each started one to four weeks before today; one facilitator per 20 groups.
        let zone = TimeZone(identifier: "Europe/London")!
        let today = LocalDateTime(options.today, in: zone).date
        let versions = programmes.flatMap { programme in programme.versions.map { (programme, $0) } }
        var sizes: [Int] = []
        var remaining = max(options.participants, versions.count)
        while remaining > 0 {
            let size = min(remaining, 8 + Int(random.next() % 5))
            sizes.append(size)
            remaining -= size
        }
        if sizes.count < versions.count {
            // Too few people for full groups of every version: smaller groups, one per version.
            let total = max(options.participants, versions.count)
            sizes = (0..<versions.count).map { total / versions.count + ($0 < total % versions.count ? 1 : 0) }
        }
        let facilitatorCount = max(3, (sizes.count + 19) / 20)
        let facilitatorNames = ["Priya Shah", "Tom Okafor", "Ruth Ellison", "Leah Byrne", "Marcus Lee", "Nadia Haddad"]
        let facilitators = (0..<facilitatorCount).map { i in
            UserModel(email: "facilitator\(i + 1)@\(domain)", name: "Dr " + facilitatorNames[i % facilitatorNames.count]
                      + (i < facilitatorNames.count ? "" : " \(i / facilitatorNames.count + 1)"), role: .facilitator, passwordHash: hash)
        }
        try await facilitators.create(on: db)

        var samples: [SampleParticipant] = []
        var marks = 0
        var number = 0
        for (index, size) in sizes.enumerated() {
            let (programme, version) = versions[index % versions.count]
            let facilitator = facilitators[index % facilitators.count]
            let weeksAgo = 1 + index % 4
            let name = "\(programme.title) – \(version.title), group \(index + 1)"
            let group: GroupModel
            switch programme.delivery {
            case .scheduledGroup:
                let plan = GroupPlan(startDate: today.adding(days: -7 * weeksAgo), weekday: Weekday(rawValue: 1 + index % 5)!,
                                     time: LocalTime(hour: 10 + index % 6, minute: index % 2 == 0 ? 0 : 30)!, timeZone: zone)
                group = GroupModel(name: name, programmeID: programme.id, versionID: version.id, plan: plan,
                                   callLink: "https://meet.example.org/tend-demo-\(index + 1)", facilitatorID: try facilitator.requireID())
            case .weeklySelfHelp, .dailyPractice:
                let cohort = CohortSettings(opens: today.adding(days: -7 * weeksAgo), suggestedWeekday: Weekday(rawValue: 1 + index % 7)!,
                                            releaseTime: LocalTime(hour: 7, minute: 0)!, timeZone: zone)
                group = GroupModel(name: name, programmeID: programme.id, versionID: version.id, cohort: cohort,
                                   facilitatorID: try facilitator.requireID())
            }
            try await group.create(on: db)
            let groupID = try group.requireID()

            var users: [UserModel] = []
            var members: [RosterMemberModel] = []
            for _ in 0..<size {
                number += 1
                let first = firstNames[Int(random.next() % UInt64(firstNames.count))]
                let last = lastNames[Int(random.next() % UInt64(lastNames.count))]
                let email = String(format: "p%05d@%@", number, domain)
                let user = UserModel(id: UUID(), email: email, name: "\(first) \(last)", role: .participant, passwordHash: hash)
                let member = RosterMemberModel(displayName: "\(first) \(last.prefix(1)).", studyCode: String(format: "D%05d", number), groupID: groupID)
                member.id = UUID()
                member.$user.id = user.id
                member.joinedAt = options.today.addingTimeInterval(-Double(7 * weeksAgo + 3) * 86_400)
                if programme.delivery != .scheduledGroup, let cohort = group.cohort {
                    let start = min(cohort.opens.adding(days: Int(random.next() % 7)), today)
                    member.memberPlan = MemberPlan(startDate: start,
                                                   weekday: programme.delivery == .weeklySelfHelp ? Weekday(rawValue: 1 + Int(random.next() % 7))! : nil,
                                                   timeZone: zone, firstModule: MemberPlan.defaultFirstModule)
                }
                users.append(user)
                members.append(member)
                if !samples.contains(where: { $0.programme == programme.title }) { samples.append(SampleParticipant(email: email, programme: programme.title)) }
            }
            try await users.create(on: db)
            try await members.create(on: db)

            // The attendance register of every meeting already held.
            guard programme.delivery == .scheduledGroup, let groupPlan = group.plan,
                  let schedule = try? Schedule(programme: programme, versionID: version.id, plan: .group(groupPlan)) else { continue }
            var register: [AttendanceMarkModel] = []
            for item in schedule.items where item.opensAt < options.today {
                for member in members {
                    let roll = random.next() % 100
                    let mark: AttendanceMark = roll < 80 ? .attended : (roll < 94 ? .missed : .excused)
                    register.append(AttendanceMarkModel(groupID: groupID, memberID: member.id!, sessionPosition: item.position,
                                                        mark: mark, recordedByID: group.$facilitator.id))
                }
            }
            if !register.isEmpty { try await register.create(on: db) }
            marks += register.count
        }
        return Summary(admin: admin.email, facilitators: facilitators.map(\.email), researcher: researcher.email,
                       sampleParticipants: samples, groups: sizes.count, participants: number, attendanceMarks: marks)
    }

    // Invented names for fabricated people.
    static let firstNames = ["Amara", "Ben", "Chloe", "Dev", "Elena", "Femi", "Grace", "Hamza", "Iris", "Jonah", "Kezia", "Liam",
                             "Maya", "Nasir", "Olive", "Pavel", "Quinn", "Rosa", "Sami", "Tara", "Uma", "Victor", "Wren", "Yusuf", "Zara"]
    static let lastNames = ["Abbott", "Bello", "Carver", "Dalton", "Evans", "Farah", "Gill", "Hughes", "Ibrahim", "Jones", "Kaur",
                            "Lowe", "Mensah", "Nowak", "Osei", "Patel", "Quist", "Rahman", "Stone", "Turner", "Usman", "Vance", "Walsh"]
}

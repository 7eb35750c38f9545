import ArgumentParser
import Foundation
import TendCore
import TendResources

struct ProgrammesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "programmes",
        abstract: "Check programme content, and show when a programme's sessions fall.",
        subcommands: [Check.self, ScheduleCommand.self],
        defaultSubcommand: Check.self
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check programme folders; list each programme's versions, sessions or modules, exercises and minutes, or every error with its file, line and field.",
            discussion: "DIR is a folder of programme folders, or one programme folder (holding programme.md). Without DIR the built-in programmes are checked. Exits with status 1 when there are errors."
        )

        @Argument(help: "A folder of programme folders, or one programme folder.")
        var directory: String?

        @Option(help: "Output format: text or json.")
        var format: OutputFormat = .text

        func run() throws {
            let result: Result<[Programme], ProgrammeCatalogError>
            do {
                if let directory {
                    result = .success(try ProgrammeCatalog.load(directory: URL(fileURLWithPath: directory)))
                } else {
                    result = .success(try ProgrammeCatalog.builtIn())
                }
            } catch {
                result = .failure(error)
            }
            switch (result, format) {
            case (.success(let programmes), .text):
                print(ProgrammesReport.text(programmes))
            case (.success(let programmes), .json):
                print(try ProgrammesReport.json(ProgrammesReport.CheckOutput(valid: true, programmes: programmes.map(ProgrammesReport.Summary.init), errors: [])))
            case (.failure(let error), .text):
                let issues = error.issues
                if issues.isEmpty {
                    Terminal.note("error: \(error)")
                } else {
                    Terminal.note("\(issues.count) error\(issues.count == 1 ? "" : "s") in the programme files:")
                    for issue in issues { Terminal.note(issue.description) }
                }
                throw ExitCode(1)
            case (.failure(let error), .json):
                let issues = error.issues.isEmpty ? [ProgrammeIssue(file: directory ?? "(built-in)", line: nil, field: "(folder)", message: error.description)] : error.issues
                print(try ProgrammesReport.json(ProgrammesReport.CheckOutput(valid: false, programmes: [], errors: issues)))
                throw ExitCode(1)
            }
        }
    }

    struct ScheduleCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schedule",
            abstract: "Show the dates of a programme's sessions, modules or practice days under a delivery plan, and what is open at an instant."
        )

        @Argument(help: "The programme id.")
        var programme: String

        @Option(help: "The version id (default: the programme's first version).")
        var version: String?

        @Option(help: "Start date (YYYY-MM-DD): the group's start, the self-help enrolment date, or day 1 of daily practice.")
        var start: String

        @Option(help: "Weekday for group meetings or self-help releases (Monday…Sunday).")
        var weekday: String?

        @Option(help: "Time of day, HH:MM (group meeting time, or release time for self-help and daily; default 00:00).")
        var time: String?

        @Option(help: "IANA time zone, e.g. Europe/London.")
        var zone: String

        @Option(help: "Also show dates in this time zone (a participant's).")
        var showIn: String?

        @Option(help: "Report what is open at this instant (ISO 8601, e.g. 2026-03-29T09:00:00Z; default: now).")
        var at: String?

        @Option(help: "Folder of programmes to read instead of the built-in ones.")
        var programmes: String?

        func run() throws {
            let all: [Programme]
            do {
                all = try programmes.map { try ProgrammeCatalog.load(directory: URL(fileURLWithPath: $0)) } ?? ProgrammeCatalog.builtIn()
            } catch {
                throw CLIError("programmes: \(error)")
            }
            guard let p = all.first(where: { $0.id == programme }) else {
                throw CLIError("no programme has the id \"\(programme)\"; known: \(all.map(\.id).joined(separator: ", "))")
            }
            guard let startDate = LocalDate(start) else { throw CLIError("--start \(start): expected a date YYYY-MM-DD") }
            guard let tz = TimeZone(identifier: zone) else { throw CLIError("--zone \(zone): not a known time zone; expected an IANA name such as Europe/London") }
            let clock: LocalTime
            if let time {
                guard let t = LocalTime(time) else { throw CLIError("--time \(time): expected HH:MM on the 24-hour clock") }
                clock = t
            } else {
                clock = .midnight
            }
            func day() throws -> Weekday {
                guard let weekday else { throw CLIError("--weekday is needed for a \(p.delivery.rawValue) programme") }
                guard let d = Weekday(name: weekday) else { throw CLIError("--weekday \(weekday): expected Monday…Sunday") }
                return d
            }
            let plan: DeliveryPlan
            switch p.delivery {
            case .scheduledGroup:
                guard time != nil else { throw CLIError("--time is needed for a group's meetings") }
                plan = .group(GroupPlan(startDate: startDate, weekday: try day(), time: clock, timeZone: tz))
            case .weeklySelfHelp:
                plan = .selfHelp(SelfHelpPlan(enrolmentDate: startDate, weekday: try day(), timeZone: tz, releaseTime: clock))
            case .dailyPractice:
                plan = .daily(DailyPlan(startDate: startDate, timeZone: tz, releaseTime: clock))
            }
            let schedule: Schedule
            do {
                schedule = try Schedule(programme: p, versionID: version, plan: plan)
            } catch {
                throw CLIError("\(error)")
            }
            let other = try showIn.map { name -> TimeZone in
                guard let z = TimeZone(identifier: name) else { throw CLIError("--show-in \(name): not a known time zone") }
                return z
            }
            var lines = ["\(p.title), version \(schedule.versionID), times in \(zone)" + (other.map { " and \($0.identifier)" } ?? "")]
            for item in schedule.items {
                var line = String(format: "%3d. ", item.position) + item.local.description
                if let other { line += "  [\(item.local(in: other))]" }
                line += "  \(p.delivery.unitName) \(item.sessionNumber): \(item.title)"
                if let d = item.dayOfModule { line += " (day \(d))" }
                if item.format == .oneToOne { line += " (one-to-one)" }
                switch item.adjustment {
                case .none: break
                case .movedForward(let s): line += "  — clocks go forward that night: moved \(s / 60) minutes later"
                case .firstOfTwo: line += "  — clocks go back that night: the first of the two"
                }
                lines.append(line)
            }
            let instant: Date
            if let at {
                guard let d = ISO8601DateFormatter().date(from: at) else { throw CLIError("--at \(at): expected an ISO 8601 instant such as 2026-03-29T09:00:00Z") }
                instant = d
            } else {
                instant = Date()
            }
            let status = schedule.status(at: instant)
            lines.append("At \(LocalDateTime(instant, in: tz)): open \(p.delivery.unitName)s \(status.unlockedSessionNumbers.map(String.init).joined(separator: ", "))" + (status.unlockedSessionNumbers.isEmpty ? "none" : ""))
            if let next = status.next {
                lines.append("Next: \(p.delivery.unitName) \(next.sessionNumber) (\(next.title)) at \(next.local)")
            } else {
                lines.append(status.finished ? "Everything is open; the programme has finished." : "Everything is open.")
            }
            print(lines.joined(separator: "\n"))
        }
    }
}

/// Summaries of checked programmes for people (text) and programs (JSON).
enum ProgrammesReport {
    struct CheckOutput: Encodable {
        var valid: Bool
        var programmes: [Summary]
        var errors: [ProgrammeIssue]
    }

    struct Summary: Encodable {
        struct Unit: Encodable {
            var number: Int
            var title: String
            var format: String
            var minutes: Int
            var days: Int?
            var exercises: [String]
            var handouts: [String]
        }
        struct Version: Encodable {
            var id: String
            var title: String
            var units: [Unit]
            var totalMinutes: Int
            var totalDays: Int?
        }
        struct Item: Encodable {
            var id: String
            var title: String
            var minutes: Int?
            var kind: String
        }
        var id: String
        var title: String
        var delivery: String
        var unit: String
        var arm: String
        var control: ControlArm?
        var versions: [Version]
        var exercises: [Item]
        var handouts: [Item]

        init(_ p: Programme) {
            id = p.id
            title = p.title
            delivery = p.delivery.rawValue
            unit = p.delivery.unitName
            arm = p.arm.rawValue
            control = p.control
            versions = p.versions.map { v in
                Version(id: v.id, title: v.title, units: p.sessions(in: v).map { s in
                    var exercises: [String] = []
                    for id in s.segments.compactMap(\.exercise) + s.homework.compactMap(\.exercise) where !exercises.contains(id) { exercises.append(id) }
                    return Unit(number: s.number, title: s.title, format: s.format.rawValue, minutes: s.minutes, days: s.days,
                                exercises: exercises, handouts: s.handouts)
                }, totalMinutes: p.totalMinutes(of: v), totalDays: p.totalDays(of: v))
            }
            exercises = p.exercises.map { Item(id: $0.id, title: $0.title, minutes: $0.minutes, kind: $0.kind.rawValue) }
            handouts = p.handouts.map { Item(id: $0.id, title: $0.title, minutes: nil, kind: $0.kind.rawValue) }
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func hours(_ minutes: Int) -> String {
        minutes < 60 ? "\(minutes) min" : String(format: "%d h %02d min", minutes / 60, minutes % 60)
    }

    static func text(_ programmes: [Programme]) -> String {
        var lines: [String] = ["\(programmes.count) programme\(programmes.count == 1 ? "" : "s") valid."]
        for p in programmes {
            lines.append("")
            var head = "\(p.id): \(p.title) — \(p.delivery.rawValue), \(p.arm.rawValue)"
            if let c = p.control { head += " (\(c.kind.rawValue), matched to \(c.matches) by \(c.matching.rawValue))" }
            lines.append(head)
            for v in p.versions {
                let units = p.sessions(in: v)
                var line = "  version \(v.id) (\(v.title)): \(units.count) \(p.delivery.unitName)s, \(hours(p.totalMinutes(of: v)))"
                if let days = p.totalDays(of: v) { line += " over \(days) days" }
                lines.append(line)
                for s in units {
                    var u = String(format: "    %2d. ", s.number) + "\(s.title) — \(s.minutes) min"
                    if let d = s.days { u += " a day for \(d) day\(d == 1 ? "" : "s")" }
                    if s.format == .oneToOne { u += " (one-to-one)" }
                    let exercises = s.segments.compactMap(\.exercise)
                    if !exercises.isEmpty { u += "; exercises: " + exercises.joined(separator: ", ") }
                    lines.append(u)
                }
            }
            lines.append("  exercises (\(p.exercises.count)): " + p.exercises.map { "\($0.id) \($0.minutes) min" }.joined(separator: ", "))
            lines.append("  handouts (\(p.handouts.count)): " + p.handouts.map(\.id).joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}

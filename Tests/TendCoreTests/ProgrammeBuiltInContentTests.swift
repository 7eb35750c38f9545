import Foundation
import Testing
@testable import TendCore
import TendResources

/// The facts each built-in programme must keep, taken from the session plans it was written from.
@Suite("Programme built-in content: every programme loads, validates and keeps the structure of its plan")
struct ProgrammeBuiltInContentTests {
    static let programmes: [Programme] = (try? ProgrammeCatalog.builtIn()) ?? []

    static func programme(_ id: String) throws -> Programme {
        try #require(programmes.first { $0.id == id }, "built-in programme \(id) is missing")
    }

    @Test("All seven built-in programmes load and validate")
    func loads() throws {
        let loaded = try ProgrammeCatalog.builtIn()
        #expect(loaded.map(\.id) == [
            "brief-compassion-ost", "compassionate-living-pain", "compassionate-mind-pain-online", "mindful-recovery-group",
            "relaxation-control-ost", "relaxing-music-control", "self-compassion-four-week",
        ])
    }

    @Test("Every exercise has a written script that says it can be stopped at any time")
    func scripts() throws {
        for p in Self.programmes {
            for e in p.exercises {
                #expect(e.script.count > 200, "\(p.id)/\(e.id): script too short to guide the exercise")
                #expect(e.script.lowercased().contains("stop"), "\(p.id)/\(e.id): script never says the exercise can be stopped")
            }
        }
        #expect(Self.programmes.flatMap(\.exercises).count >= 50)
    }

    @Test("Every group session has a settling-in exercise, a guided exercise and practice for the week; every session after the first reviews the practice")
    func sessionShape() throws {
        for p in Self.programmes where p.delivery == .scheduledGroup {
            for (index, s) in p.sessions(in: p.versions.max { $0.sessionNumbers.count < $1.sessionNumbers.count }!).enumerated() {
                let kinds = s.segments.map(\.kind)
                #expect(kinds.contains(.settlingIn), "\(p.id) session \(s.number): no settling-in")
                #expect(kinds.contains(.experiential), "\(p.id) session \(s.number): no experiential exercise")
                #expect(kinds.contains(.psychoeducation), "\(p.id) session \(s.number): no teaching")
                #expect(kinds.contains(.homework) && !s.homework.isEmpty, "\(p.id) session \(s.number): no practice set")
                if index > 0 { #expect(kinds.contains(.homeworkReview), "\(p.id) session \(s.number): no homework review") }
            }
        }
    }

    @Test("Compassionate living with pain: 8 and 10 sessions of 90 minutes with a 15-minute comfort break; session 5 is one-to-one, 9 is in the 10-session version only")
    func compassionateLiving() throws {
        let p = try Self.programme("compassionate-living-pain")
        #expect(p.delivery == .scheduledGroup && p.arm == .intervention)
        #expect(p.version("eight-session")?.sessionNumbers == [1, 2, 3, 4, 6, 7, 8, 10])
        #expect(p.version("ten-session")?.sessionNumbers == Array(1...10))
        for s in p.sessions where s.format == .group {
            #expect(s.minutes == 90)
            #expect(s.segments.filter { $0.kind == .break }.map(\.minutes) == [15], "session \(s.number)")
        }
        let one = try #require(p.session(number: 5))
        #expect(one.format == .oneToOne && one.handouts == ["formulation-worksheet"])
        #expect(p.sessions.filter { $0.format == .oneToOne }.map(\.number) == [5])
        // The experiential exercises of the session plan, in order.
        let main = p.sessions.map { s in s.segments.filter { $0.kind == .experiential }.compactMap(\.exercise) }
        #expect(main == [["breathing-meditation"], ["soothing-rhythm-breathing"], ["compassionate-colour"], ["safe-place"], ["compassionate-colour"],
                         ["compassionate-memory", "compassionate-self", "compassionate-other"], ["loving-kindness"], ["values-sort"],
                         ["multiple-selves"], ["two-wolves"]])
        // The participant pack: slides outline and worksheets.
        let pack = p.participantPack(for: p.version("ten-session")!)
        #expect(pack.first?.kind == .slides)
        #expect(pack.filter { $0.kind == .worksheet }.count >= 5)
        #expect(p.totalMinutes(of: p.version("eight-session")!) == 8 * 90)
        #expect(p.totalMinutes(of: p.version("ten-session")!) == 9 * 90 + 60)
    }

    @Test("Brief compassion course: three 2-hour sessions with recordings and a booklet; the relaxation control matches it minute for minute in each kind of segment")
    func briefCompassionAndControl() throws {
        let p = try Self.programme("brief-compassion-ost")
        let c = try Self.programme("relaxation-control-ost")
        #expect(p.sessions.map(\.minutes) == [120, 120, 120] && c.sessions.map(\.minutes) == [120, 120, 120])
        #expect(p.handouts.map(\.kind) == [.booklet] && c.handouts.map(\.kind) == [.booklet])
        #expect(p.exercises.allSatisfy { $0.recording?.kind == .audio })
        #expect(c.control == ControlArm(kind: .relaxation, matches: "brief-compassion-ost", matching: .weighting))
        for (a, b) in zip(p.sessions, c.sessions) {
            #expect(a.minutesByKind == b.minutesByKind)
            #expect(a.homework.count >= 2 && b.homework.count >= 2)
        }
        #expect(ProgrammeBuilder.controlMismatches(c, target: p, matching: .weighting).isEmpty)
        // No compassion teaching in the control.
        #expect(!c.sessions.contains { $0.body.lowercased().contains("compassion") })
    }

    @Test("Online compassionate mind training: 21 days of 10–15 minutes, five teaching modules then the combined practice; the music control matches it day for day")
    func dailyAndMusic() throws {
        let p = try Self.programme("compassionate-mind-pain-online")
        let m = try Self.programme("relaxing-music-control")
        let v = p.defaultVersion
        #expect(p.delivery == .dailyPractice && p.totalDays(of: v) == 21)
        #expect(p.sessions.allSatisfy { (10...15).contains($0.minutes) })
        let teaching = p.sessions.filter { $0.media.contains { $0.kind == .video } && $0.segments.contains { $0.kind == .video } }
        #expect(teaching.map(\.number) == [1, 2, 3, 4, 5])
        #expect(p.sessions.last?.title == "Combined practice" && p.sessions.last?.days == 11)
        #expect(p.sessions.allSatisfy { $0.segments.contains { $0.kind == .journal } }, "the optional pain diary every day")
        #expect(m.control?.kind == .music && m.control?.matches == p.id)
        #expect(m.totalDays(of: m.defaultVersion) == 21)
        #expect(m.sessions.map(\.days) == p.sessions.map(\.days) && m.sessions.map(\.minutes) == p.sessions.map(\.minutes))
        #expect(m.exercises.allSatisfy { $0.kind == .music && $0.recording?.kind == .audio })
    }

    @Test("Four-week self-help course: one module a week with a 30-minute video slot, a 1–2 page handout and an audio practice, and the CARE practice")
    func selfHelp() throws {
        let p = try Self.programme("self-compassion-four-week")
        #expect(p.delivery == .weeklySelfHelp && p.sessions.count == 4)
        for s in p.sessions {
            #expect(s.media.map(\.kind) == [.video] && s.media.first?.minutes == 30, "module \(s.number)")
            #expect(s.handouts.count == 1, "module \(s.number)")
            let words = p.handout(s.handouts[0])!.body.split(whereSeparator: \.isWhitespace).count
            #expect((200...900).contains(words), "module \(s.number) handout has \(words) words; expected one or two pages")
            let practices = s.segments.filter { $0.kind == .practice }.compactMap(\.exercise).compactMap { p.exercise($0) }
            #expect(practices.contains { $0.recording?.kind == .audio }, "module \(s.number) has no audio practice")
            #expect(s.body.split(whereSeparator: \.isWhitespace).count > 300, "module \(s.number): the video's teaching must be written out")
        }
        let care = try #require(p.exercise("care-practice"))
        for letter in ["C – Connect:", "A – Allow:", "R – Reflect:", "E – Extend:"] { #expect(care.script.contains(letter)) }
        #expect(p.session(number: 3)!.segments.contains { $0.exercise == "care-practice" })
    }

    @Test("Mindful recovery group: 24 weekly sessions of a 30-minute check-in plus a 60-minute group")
    func mindfulRecovery() throws {
        let p = try Self.programme("mindful-recovery-group")
        #expect(p.sessions.count == 24 && p.defaultVersion.sessionNumbers == Array(1...24))
        for s in p.sessions {
            #expect(s.minutes == 90)
            #expect(s.segments.first?.kind == .checkIn && s.segments.first?.minutes == 30, "session \(s.number)")
            #expect(s.segments.dropFirst().reduce(0) { $0 + $1.minutes } == 60, "session \(s.number)")
        }
        #expect(p.totalMinutes(of: p.defaultVersion) == 24 * 90)
    }

    @Test("Every built-in programme schedules: a group in London across the spring change, self-help and daily in New York")
    func schedulesBuild() throws {
        for p in Self.programmes {
            for v in p.versions {
                let plan: DeliveryPlan
                switch p.delivery {
                case .scheduledGroup: plan = .group(GroupPlan(startDate: LocalDate("2026-03-10")!, weekday: .tuesday, time: LocalTime("18:30")!, timeZone: TimeZone(identifier: "Europe/London")!))
                case .weeklySelfHelp: plan = .selfHelp(SelfHelpPlan(enrolmentDate: LocalDate("2026-03-01")!, weekday: .friday, timeZone: TimeZone(identifier: "America/New_York")!))
                case .dailyPractice: plan = .daily(DailyPlan(startDate: LocalDate("2026-03-01")!, timeZone: TimeZone(identifier: "America/New_York")!))
                }
                let s = try Schedule(programme: p, versionID: v.id, plan: plan)
                #expect(s.items.count == (p.totalDays(of: v) ?? v.sessionNumbers.count))
                #expect(s.items.allSatisfy { $0.adjustment == .none })
                if case .group = plan { #expect(s.items.allSatisfy { $0.local.time == LocalTime("18:30")! && $0.local.date.weekday == .tuesday }) }
            }
        }
    }
}

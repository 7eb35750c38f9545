import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import TendCore
@testable import TendServer

/// The whole of a three-arm study (seed 000: compassion course, relaxation control, waiting list) walked
/// through the pages, from the template to the facilitator acknowledging a safety alert.
@Suite("Three-arm study walk")
struct ThreeArmStudyWalkTests {
    typealias S = StudyFixtures
    typealias F = ParticipantFixtures
    typealias Q = QuestionnaireFixtures

    static let template = "ost-compassion-feasibility"
    static let staffTitle = "OST three-arm feasibility"
    static let publicTitle = "Stress reduction skills course"

    /// Screening answers for an eligible person on `medication`.
    static func eligible(_ medication: String, age: String = "35") -> [String: String] {
        ["q-age": age, "q-english": "yes", "q-substitute-prescribed": "yes", "q-medication": medication,
         "q-years-using-opioids": "12", "q-learning-or-neurological": "no", "q-reads-unaided": "yes",
         "s-medication": medication]
    }

    /// Answers for one instrument: every item `fill`, with `overrides` (item number → value).
    static func answers(count: Int, fill: Int, _ overrides: [Int: Int] = [:]) -> [Int] {
        (1...count).map { overrides[$0] ?? fill }
    }

    static let dassDepressionItems = [3, 5, 10, 13, 16, 17, 21]

    /// DASS-21 answers with each depression item but 21 at `depression`, item 21 at `item21`, the rest 1.
    static func dass(depression: Int, item21: Int = 0) -> [Int] {
        var overrides: [Int: Int] = [:]
        for item in dassDepressionItems { overrides[item] = depression }
        overrides[21] = item21
        return answers(count: 21, fill: 1, overrides)
    }

    /// Answers every open questionnaire at `timepoint` linked from the participant's home page.
    static func answerQuestionnaires(_ participant: Browser, user: UUID, timepoint: String, dass: [Int],
                                     on app: Application) async throws {
        let home = try await participant.get("/")
        #expect(home.text.contains("Questionnaires to fill in"), "the \(timepoint) questionnaires show on the home page")
        let rows = try await QuestionnaireAssignmentModel.query(on: app.db).filter(\.$user.$id == user)
            .filter(\.$timepointID == timepoint).all()
        #expect(Set(rows.map(\.instrumentID)) == ["ocdus", "dass21", "fscrs"], "the schedule's three measures at \(timepoint)")
        for row in rows {
            #expect(home.text.contains(Q.path(row)), "\(row.instrumentID) at \(timepoint) is linked from home")
            switch row.instrumentID {
            case "dass21": try await Q.answerAndSubmit(participant, row, answers: dass)
            case "ocdus": try await Q.answerAndSubmit(participant, row, answers: answers(count: 13, fill: 2))
            default: try await Q.answerAndSubmit(participant, row, answers: answers(count: 22, fill: 2, [9: 0]))
            }
        }
        let done = try await QuestionnaireAssignmentModel.query(on: app.db).filter(\.$user.$id == user)
            .filter(\.$timepointID == timepoint).filter(\.$submittedAt != nil).count()
        #expect(done == 3, "all three \(timepoint) questionnaires submitted")
    }

    /// Records on each person's record that they reached `milestone`.
    static func milestone(_ staff: Browser, _ study: UUID, _ codes: [String], _ milestone: String) async throws {
        for code in codes {
            try await staff.get(S.person(study, code))
            let saved = try await staff.post(S.person(study, code) + "/milestone", ["milestone": milestone])
            #expect(saved.status == .seeOther, "\(code) \(milestone): \(saved.status)")
        }
    }

    @Test("Seed 000 from template to acknowledged alert: screening with reasons, consent, balanced allocation, questionnaires, attendance, blinding")
    func walk() async throws {
        try await withTendApp { app in
            let hand = F.clock(app, at: "2026-03-02T09:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher, template: Self.template, title: Self.staffTitle, publicTitle: Self.publicTitle)
            let definition = try await S.definition(study, on: app)
            #expect(definition.arms.map(\.role) == [.active, .activeControl, .waitlist])

            // An outcome assessor, blinded, and the facilitator running both arms' groups.
            #expect(try await S.edit(researcher, study, { $0.blindedRoles = [.outcomeAssessor] }, on: app).status == .seeOther)
            let assessorUser = try await Fixtures.user(.researcher, email: "assessor@example.org", name: "Alex Assessor", on: app)
            try await S.addStaff(researcher, study, assessorUser, role: .outcomeAssessor)
            let facilitatorUser = try await Fixtures.user(.facilitator, email: "fran@example.org", name: "Fran Facilitator", on: app)
            try await S.addStaff(researcher, study, facilitatorUser, role: .facilitator)
            let facilitator = try await F.signIn(facilitatorUser, on: app)
            var groups: [String: UUID] = [:]
            for (arm, name) in [("compassion", "Tuesday group A"), ("relaxation", "Tuesday group B")] {
                let programme = try #require(definition.arm(arm)?.programme)
                groups[arm] = try await F.createGroup(facilitator, [
                    "name": name, "programme": programme.id + "/" + programme.version, "startDate": "2026-03-10",
                    "weekday": "2", "time": "18:30", "timeZone": "Europe/London", "callLink": "https://meet.example.org/\(arm)",
                ])
            }
            try await researcher.get(S.path(study))
            let chosen = try await researcher.post(S.path(study) + "/arm-groups", [
                "arm-compassion": groups["compassion"]!.uuidString.lowercased(),
                "arm-relaxation": groups["relaxation"]!.uuidString.lowercased(),
            ])
            #expect(chosen.status == .seeOther)
            try await S.open(researcher, study)
            #expect(try await StudyModel.find(study, on: app.db)?.seed != nil, "opening records the allocation seed")

            // Screening: 14 approached; three not eligible (with the rule that failed), one declines, ten agree.
            var codes: [String] = []
            for _ in 0..<14 { codes.append(try await S.approach(researcher, study, on: "2026-02-27")) }
            #expect(codes.first == "S-0001" && codes.last == "S-0014")
            let ineligible: [(answers: [String: String], reason: String)] = [
                (Self.eligible("methadone", age: "17"), "inclusion rule adult (aged 18 or over; answer 17) not met"),
                // On another medicine: no stratum level is asked of someone ruled out.
                (Self.eligible("methadone").merging(["q-medication": "other", "s-medication": ""]) { $1 }, "inclusion rule substitute-type"),
                (Self.eligible("buprenorphine").merging(["q-learning-or-neurological": "yes"]) { $1 }, "exclusion rule learning-or-neurological"),
            ]
            for (code, person) in zip(codes, ineligible) {
                try await researcher.get(S.person(study, code))
                let judged = try await researcher.post(S.person(study, code) + "/eligibility", person.answers)
                #expect(judged.status == .seeOther)
                let row = try #require(try await StudyScreeningModel.query(on: app.db).filter(\.$code == code).first())
                #expect(row.eligibility == .ineligible)
                #expect(row.eligibilityReason?.contains(person.reason) == true, "\(code): \(row.eligibilityReason ?? "no reason")")
                let refused = try await researcher.post(S.person(study, code) + "/agreement", ["agreed": "yes"])
                #expect(refused.status != .seeOther, "\(code) is not asked to agree")
            }
            let decliner = codes[3]
            try await researcher.get(S.person(study, decliner))
            var unstratified = Self.eligible("methadone")
            unstratified["s-medication"] = nil
            let noStratum = try await researcher.post(S.person(study, decliner) + "/eligibility", unstratified)
            #expect(noStratum.status == .unprocessableEntity, "an eligible person needs their stratum")
            #expect(noStratum.text.contains("Choose their substitute medicine (used to stratify allocation)"))
            #expect(noStratum.text.contains("value=\"12\""), "what was typed is kept")
            #expect(try await researcher.post(S.person(study, decliner) + "/eligibility", Self.eligible("methadone")).status == .seeOther)
            let noReason = try await researcher.post(S.person(study, decliner) + "/agreement", ["agreed": "no"])
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.text.contains("Enter the reason they gave for declining"))
            #expect(try await researcher.post(S.person(study, decliner) + "/agreement",
                                              ["agreed": "no", "reason": "Cannot come to evening groups"]).status == .seeOther)

            let agreeing = Array(codes[4...])
            var medication: [String: String] = [:]
            for (n, code) in agreeing.enumerated() {
                medication[code] = n % 2 == 0 ? "methadone" : "buprenorphine"
                try await S.eligibleAndAgreed(researcher, study, code, answers: Self.eligible(medication[code]!))
            }
            let log = try await researcher.get(S.path(study) + "/screening")
            #expect(log.text.contains("Cannot come to evening groups"))
            #expect(try await researcher.get(S.path(study) + "/screening?stage=declined").text.contains(">\(decliner)<"))

            // Invitations, accounts, and consent item by item: a missing required item is named and nothing is lost.
            var participants: [String: Browser] = [:]
            let form = try #require(definition.consentForms.first)
            for code in agreeing {
                let link = try await S.invite(researcher, study, code)
                // The first gives a name to be called by; the others leave it out.
                let participant = try await S.join(app, link, email: "\(code.lowercased())@example.org",
                                                   name: code == agreeing.first ? "Robin" : nil)
                let page = try await participant.get("/my/consent")
                #expect(page.text.contains(Self.publicTitle))
                #expect(!page.text.contains(Self.staffTitle) && !page.text.contains(definition.title), "only the public title")
                for arm in definition.arms { #expect(!page.text.contains(arm.name), "the consent page names no arm") }
                for item in form.items { #expect(page.text.contains("id=\"item-\(item.id)\""), "\(item.id) is its own tick box") }
                if code == agreeing.first {
                    let partial = try await participant.post("/my/consent", ["item-information-read": "yes", "item-free-to-leave": "yes"])
                    #expect(partial.status == .unprocessableEntity)
                    #expect(partial.text.contains("Tick “I am willing to fill in questionnaires"))
                    #expect(partial.text.contains("id=\"item-free-to-leave\" name=\"item-free-to-leave\" value=\"yes\" checked=\"checked\""))
                    #expect(try await StudyAllocationModel.query(on: app.db).count() == 0, "no allocation without consent")
                }
                try await S.consentToAll(participant, definition)
                participants[code] = participant
            }

            // Randomisation at consent: within each stratum every index once, the recorded sequence's arm, and
            // every complete block balanced; the waiting list is not randomised in seed 000.
            let allocations = try await StudyAllocationModel.query(on: app.db).filter(\.$study.$id == study).all()
            #expect(allocations.count == agreeing.count)
            #expect(Set(allocations.map(\.$screening.id)).count == agreeing.count, "each person allocated once")
            #expect(Set(allocations.map(\.arm)).isSubset(of: ["compassion", "relaxation"]))
            let seed = try #require(try await StudyModel.find(study, on: app.db)?.seed)
            let sequence = try AllocationSequence(seed: seed, study: definition)
            for level in ["methadone", "buprenorphine"] {
                AllocationTests.checkStratum(allocations, stratum: "medication=" + level, sequence: sequence, count: 5)
            }
            let screeningRows = try await StudyScreeningModel.query(on: app.db).filter(\.$study.$id == study).all()
            func code(of allocation: StudyAllocationModel) -> String {
                screeningRows.first { $0.id == allocation.$screening.id }!.code
            }
            func user(_ code: String) -> UUID { screeningRows.first { $0.code == code }!.$user.id! }
            for allocation in allocations {
                #expect(allocation.groupID == groups[allocation.arm], "\(code(of: allocation)) joins their arm's group")
                let member = try #require(try await RosterMemberModel.query(on: app.db).filter(\.$studyCode == code(of: allocation)).first())
                #expect(member.$group.id == groups[allocation.arm])
                #expect(member.displayName == code(of: allocation), "the group knows them by their study code")
            }
            // At home, the one who gave a name is greeted by it; the others by their study code.
            #expect(try await participants[agreeing[0]]!.get("/").text.contains("Hello, Robin"))
            #expect(try await participants[agreeing[1]]!.get("/").text.contains("Hello, \(agreeing[1])"))

            // Baseline: seven days before the groups start, on 10 March.
            try await F.travel(hand, to: "2026-03-04T09:00:00Z", researcher, facilitator)
            for code in agreeing { try await participants[code]!.signInAgain() }
            for (n, code) in agreeing.enumerated() {
                try await Self.answerQuestionnaires(participants[code]!, user: user(code), timepoint: "baseline",
                                                    dass: Self.dass(depression: n % 3), on: app)
            }
            #expect(try await SafetyAlertModel.query(on: app.db).count() == 0, "no baseline answer raises an alert")
            try await Self.milestone(researcher, study, agreeing, "baseline")

            // Attendance at the three weekly sessions (10, 17 and 24 March), recorded after the last.
            try await F.travel(hand, to: "2026-03-25T09:00:00Z", researcher, facilitator)
            for code in agreeing { try await participants[code]!.signInAgain() }
            for (arm, group) in groups {
                let members = allocations.filter { $0.arm == arm }.map { code(of: $0) }
                try await facilitator.get(F.groupPath(group))
                for session in 1...3 {
                    var marks: [String: String] = [:]
                    for (n, memberCode) in members.enumerated() {
                        marks["s\(session)-" + (try await F.memberID(app, code: memberCode))] = session == 3 && n == 0 ? "missed" : "attended"
                    }
                    let saved = try await facilitator.post(F.groupPath(group) + "/sessions/\(session)/attendance", marks)
                    #expect(saved.status == .seeOther, "\(arm) session \(session): \(saved.status)")
                }
                let stored = try await AttendanceMarkModel.query(on: app.db).filter(\.$group.$id == group).all()
                #expect(stored.count == members.count * 3)
                #expect(stored.filter { $0.mark == .missed }.count == (members.isEmpty ? 0 : 1))
            }

            // Follow-up: planned from the programme's end (the last session, 24 March), open for a week.
            let deteriorating = agreeing[0]   // baseline depression 0
            let improving = agreeing[2]       // baseline depression 2 × 6 × 2 = 24
            for code in agreeing {
                let dass: [Int]
                switch code {
                case deteriorating: dass = Self.dass(depression: 3, item21: 1)
                case improving: dass = Self.dass(depression: 0)
                default: dass = Self.dass(depression: agreeing.firstIndex(of: code)! % 3)
                }
                let rows = try await QuestionnaireAssignmentModel.query(on: app.db).filter(\.$user.$id == user(code))
                    .filter(\.$timepointID == "follow-up").all()
                #expect(rows.allSatisfy { $0.opensOn == "2026-03-24" && $0.closesOn == "2026-03-31" })
                try await Self.answerQuestionnaires(participants[code]!, user: user(code), timepoint: "follow-up", dass: dass, on: app)
            }

            try await Self.milestone(researcher, study, agreeing, "completed")
            let atBaseline = try await researcher.get(S.path(study) + "/screening?stage=completed")
            for code in agreeing { #expect(atBaseline.text.contains(">\(code)<")) }

            // The study's own baseline SD gives the RCI; one person reliably worse, one reliably better.
            let dassDefinition = try Q.definition("dass21")
            let sds = try await SafetyAlerts.baselineSDs(study: study, instrument: "dass21", timepoint: "baseline",
                                                         definition: dassDefinition, on: app.db)
            let sd = try #require(sds["dass21.depression"])
            let reliability = try #require(dassDefinition.scale("depression")?.defaultReliability.value)
            let sDiff = (2.0).squareRoot() * sd * (1 - reliability).squareRoot()
            let critical = ReliableChangeMethod.jacobsonTruax.criticalValue(significanceLevel: 0.05)
            #expect((0 - 24) / sDiff < -critical, "the improving participant's change is reliable")

            let alerts = try await SafetyAlertModel.query(on: app.db).all()
            let worse = alerts.filter { $0.$user.id == user(deteriorating) }
            let kinds = Set(worse.map { "\($0.kind) \($0.measure)" })
            #expect(kinds.contains("extremely-severe dass21.depression"), "depression 38 is extremely severe: \(kinds)")
            #expect(kinds.contains("risk-item dass21.item21"))
            let deterioration = try #require(worse.first { $0.kind == SafetyAlert.Kind.reliableDeterioration.rawValue && $0.measure == "dass21.depression" })
            #expect(deterioration.value > critical)
            #expect(abs(deterioration.value - 38 / sDiff) < 1e-9)
            #expect(alerts.allSatisfy { $0.$user.id == user(deteriorating) }, "nobody else raised an alert")

            // The facilitator of that person's group sees the alerts and acknowledges one with a note.
            let armOfAlert = try #require(allocations.first { code(of: $0) == deteriorating }?.arm)
            let alertsPath = F.groupPath(groups[armOfAlert]!) + "/alerts"
            let open = try await facilitator.get(alertsPath)
            #expect(open.status == .ok)
            #expect(open.text.contains(deteriorating))
            let alert = try #require(worse.first { $0.kind == "extremely-severe" })
            let acknowledge = alertsPath + "/\(alert.id!.uuidString.lowercased())/acknowledge"
            #expect(try await facilitator.post(acknowledge, ["note": " "]).status == .unprocessableEntity)
            #expect(try await facilitator.post(acknowledge, ["note": "Phoned them the same day; safety plan reviewed."]).status == .seeOther)
            let stored = try #require(try await SafetyAlertModel.find(alert.id, on: app.db))
            #expect(stored.acknowledgedAt != nil)
            #expect(stored.note == "Phoned them the same day; safety plan reviewed.")
            let otherGroup = groups.first { $0.key != armOfAlert }!.value
            let quiet = try await facilitator.get(F.groupPath(otherGroup) + "/alerts")
            #expect(quiet.text.contains("There are no open alerts."))

            // The blinded assessor sees no arm, group or programme anywhere they can reach.
            let assessor = try await F.signIn(assessorUser, on: app)
            var pages = [S.path(study), S.path(study) + "/screening"]
            for stage in ["approached", "ineligible", "declined", "allocated", "baseline", "completed"] {
                pages.append(S.path(study) + "/screening?stage=" + stage)
            }
            pages += codes.map { S.person(study, $0) }
            let revealing = definition.arms.map(\.name) + ["Tuesday group A", "Tuesday group B", "meet.example.org/compassion",
                                                            "meet.example.org/relaxation", "Allocated to", "waiting list"]
                + groups.values.map { $0.uuidString.lowercased() }
            for path in pages {
                let page = try await assessor.get(path)
                #expect(page.status == .ok, "\(path): \(page.status)")
                for word in revealing {
                    #expect(!page.text.localizedCaseInsensitiveContains(word), "\(path) shows “\(word)” to blinded staff")
                }
            }
            #expect(try await assessor.get(S.path(study) + "/allocations.csv").status == .forbidden)
            #expect(try await assessor.post(S.path(study) + "/arm-groups", [:]).status == .forbidden)
            // …while the unblinded researcher does see the arm on a record.
            let unblinded = try await researcher.get(S.person(study, deteriorating))
            #expect(unblinded.text.contains(definition.arm(armOfAlert)!.name))

            // The dashboard counts the screening done above: 14 approached, 3 not eligible, 1 declined,
            // 10 randomised (the waiting list not randomised), all 10 at baseline and completed.
            let armName = { (id: String) in definition.arm(id)!.name }
            let records = codes.map { code -> ScreeningRecord in
                let row = screeningRows.first { $0.code == code }!
                let arm = allocations.first { $0.$screening.id == row.id }.map { armName($0.arm) }
                return ScreeningRecord(personCode: code, approachedOn: LocalDate("2026-02-27")!, eligible: row.eligibility == .eligible,
                                       ineligibilityReasons: row.eligibility == .eligible ? [] : [row.eligibilityReason!],
                                       agreed: row.agreed, consented: arm != nil,
                                       notEnrolledReason: code == decliner ? "Cannot come to evening groups" : nil,
                                       allocatedArm: arm, receivedAllocatedIntervention: arm != nil,
                                       attendedBaseline: arm != nil, completedPost: arm != nil)
            }
            let flow = try ConsortFlow.count(records, armOrder: definition.arms.map(\.name), nonRandomisedArms: [armName("waitlist")])
            #expect(flow.assessedForEligibility == 14 && flow.randomised == 10)
            #expect(StudyAttrition.funnel(records) == FunnelCounts(approached: 14, agreed: 10, baseline: 10, completed: 10))
            let dashboard = try await researcher.get(S.path(study) + "/dashboard")
            #expect(dashboard.status == .ok)
            let html = dashboard.text
            #expect(html.contains(ConsortDiagram.svg(flow)), "the CONSORT diagram is the one the screening log gives")
            #expect(html.contains(Escape.text(ConsortDiagram.description(flow))))
            #expect(html.contains("<td>10 of 14</td><td>71.4%</td>"), "agreed of approached")
            for arm in ["compassion", "relaxation"] {
                let n = allocations.filter { $0.arm == arm }.count
                #expect(html.contains("\(armName(arm)) (\(n) allocated)"))
                #expect(html.contains("<th scope=\"row\">Session 1</th><td>\(n)</td><td>0</td><td>0</td><td>0</td><td>100.0%</td>"))
                #expect(html.contains("<th scope=\"row\">Session 3</th><td>\(n - 1)</td><td>1</td><td>0</td><td>0</td><td>\(StudyDashboardPages.percent(Double(n - 1) / Double(n)))</td>"))
            }

            // The long CSV export, read as `tend analyse` reads it, gives the tables the dashboard shows.
            let auditedBefore = try await AuditEventModel.query(on: app.db).filter(\.$action == .studyTidyScoresExported).count()
            let export = try await researcher.get(S.path(study) + "/exports/" + StudyExportFile.tidyScores.rawValue)
            #expect(export.status == .ok)
            // The file codes arms by id and lists measures as scored; the dashboard names arms and orders
            // measures by the schedule's instruments, then by name: the same rows, arm named, in that order.
            let lines = export.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first == "study_code,arm,timepoint,measure,score,completed_at,late")
            let submitted = try await QuestionnaireAssignmentModel.query(on: app.db).filter(\.$studyID == study).filter(\.$submittedAt != nil).all()
            #expect(submitted.count == agreeing.count * 2 * 3)
            let storedScores: Int = submitted.map { $0.scoreSheet?.scores.count ?? 0 }.reduce(0, +)
            #expect(lines.count == 1 + storedScores, "one row per stored score")
            let instrumentOrder = definition.schedule.map(\.measureID)
            func measureKey(_ line: String) -> (Int, String) {
                let measure = line.components(separatedBy: ",")[3]
                let instrument = String(measure.prefix { $0 != "." })
                return (instrumentOrder.firstIndex(of: instrument) ?? Int.max, measure)
            }
            let rows = lines.dropFirst().enumerated().sorted { a, b in
                let ka = measureKey(a.element), kb = measureKey(b.element)
                return ka != kb ? ka < kb : a.offset < b.offset
            }.map(\.element)
            var csv = ([lines[0]] + rows).map { line -> String in
                var fields = line.components(separatedBy: ",")
                if let arm = definition.arm(fields[1]) { fields[1] = arm.name }
                return fields.joined(separator: ",")
            }.joined(separator: "\n") + "\n"
            let table = try csv.withUTF8 { try ScoreTable.parse(UnsafeRawBufferPointer($0)) }
            #expect(table.issues.isEmpty)
            #expect(Set(table.participants) == Set(agreeing))
            #expect(table.timepoints == ["baseline", "follow-up"])
            var options = OutcomeAnalysisOptions()
            options.pre = "baseline"
            options.post = "follow-up"
            let library = try QuestionnaireScoring.library()
            var defaults: [String: MeasureDefaults] = [:]
            for id in table.measures { if let d = library.analysisDefaults(for: id) { defaults[id] = d } }
            let fromCSV = try OutcomeAnalysis.run(table: table, options: options, defaults: defaults)
            let depression = try #require(fromCSV.measures.first { $0.measure == "dass21.depression" })
            #expect(try #require(depression.reliableChange).result.improved >= 1, "the improving participant counts as reliably improved")
            #expect(html.contains(HTMLReport.embeddedSections(fromCSV)), "the dashboard's report is the export's analysis")
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .studyTidyScoresExported).count() == auditedBefore + 1,
                    "the export is in the audit trail")
            let outcomes = try await researcher.get(S.person(study, improving) + "/outcomes")
            #expect(outcomes.text.contains("Reliable improvement"))

            // Blinded, the assessor gets neither the dashboard's arms nor the export.
            for path in [S.path(study) + "/dashboard", S.person(study, improving) + "/outcomes"] {
                let page = try await assessor.get(path)
                for name in definition.arms.map(\.name) { #expect(!page.text.contains(name), "\(path) names \(name)") }
                #expect(!page.text.contains("Reliable improvement"))
            }
            #expect(try await assessor.get(S.path(study) + "/exports/" + StudyExportFile.tidyScores.rawValue).status == .forbidden)
        }
    }
}

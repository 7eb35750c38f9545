import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import TendCore
@testable import TendServer

/// A small known study for the export tests: the online painkillers trial (LDQ at baseline and at the
/// end of the programme, two arms), with four people screened, consented (and so allocated), and both
/// LDQs answered through the questionnaire pages.
enum StudyExportFixtures {
    typealias S = StudyFixtures
    typealias F = ParticipantFixtures

    static let template = "compassionate-mind-painkillers-trial"
    static let answers = ["q-age": "44", "q-pain-months": "30", "q-takes-painkillers": "yes", "q-online-access": "yes"]
    /// LDQ totals (0–30) at baseline and post, person by person.
    static let baselineTotals = [20, 24, 17, 27]
    static let postTotals = [12, 20, 9, 15]

    struct Person {
        var code: String
        var email: String
        var user: UserModel
        var arm: String
        var baseline: Int
        var post: Int
    }

    struct Study {
        var id: UUID
        var researcher: Browser
        var people: [Person]
    }

    /// Ten LDQ answers (each 0–3) that sum to `total`.
    static func ldqAnswers(total: Int) -> [Int] {
        var left = total
        return (0..<10).map { _ in
            let v = min(3, left)
            left -= v
            return v
        }
    }

    static func make(_ app: Application, people count: Int = 4) async throws -> Study {
        let hand = F.clock(app, at: "2026-03-05T10:00:00Z")
        let researcher = try await Fixtures.signedIn(.researcher, on: app)
        let study = try await S.create(researcher, template: template, title: "Painkillers trial")
        try await S.open(researcher, study)
        let definition = try await S.definition(study, on: app)
        var people: [Person] = []
        var browsers: [Browser] = []
        for i in 0..<count {
            let code = try await S.approach(researcher, study, on: "2026-03-05")
            try await S.eligibleAndAgreed(researcher, study, code, answers: answers)
            let link = try await S.invite(researcher, study, code)
            let email = "person\(i)-\(code.lowercased())@example.org"
            let browser = try await S.join(app, link, email: email)
            try await S.consentToAll(browser, definition)
            let user = try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first())
            // A study account is named by its code; give it a real name, which must never reach an export.
            user.name = "Robin Quayle \(i)"
            try await user.save(on: app.db)
            let baseline = try await QuestionnaireFixtures.assignment(user, "ldq", at: "baseline", on: app)
            try await QuestionnaireFixtures.answerAndSubmit(browser, baseline, answers: ldqAnswers(total: baselineTotals[i]))
            let screening = try #require(try await StudyScreeningModel.query(on: app.db).filter(\.$code == code).first())
            let allocation = try #require(try await StudyAllocationModel.query(on: app.db)
                .filter(\.$screening.$id == screening.requireID()).first())
            people.append(Person(code: code, email: email, user: user, arm: allocation.arm,
                                 baseline: baselineTotals[i], post: postTotals[i]))
            browsers.append(browser)
        }
        // The programme ends on 30 April: the post questionnaires are planned and answered in their window.
        let anchors = ParticipantAnchors(consent: LocalDate("2026-03-05")!, programmeEnd: LocalDate("2026-04-30")!)
        for person in people {
            try await QuestionnaireAssignments.plan(for: try person.user.requireID(), study: study, definition: definition,
                                                    anchors: anchors, timeZone: TimeZone(identifier: "Europe/London")!,
                                                    on: app.db, now: app.clock.now)
        }
        hand.set(F.instant("2026-04-30T11:00:00Z"))
        try await researcher.signInAgain()
        for (person, browser) in zip(people, browsers) {
            try await browser.signInAgain()
            let post = try await QuestionnaireFixtures.assignment(person.user, "ldq", at: "post", on: app)
            try await QuestionnaireFixtures.answerAndSubmit(browser, post, answers: ldqAnswers(total: person.post))
        }
        return Study(id: study, researcher: researcher, people: people)
    }

    static func path(_ study: UUID, _ file: StudyExportFile) -> String { S.path(study) + "/exports/" + file.rawValue }

    static func lines(_ text: String) -> [String] { text.components(separatedBy: "\r\n").filter { !$0.isEmpty } }

    /// A member of staff on the study with `role`, signed in.
    static func staff(_ app: Application, _ study: Study, role: BlindedRole, email: String, name: String) async throws -> Browser {
        let user = try await Fixtures.user(.researcher, email: email, name: name, on: app)
        try await S.addStaff(study.researcher, study.id, user, role: role)
        return try await F.signIn(user, on: app)
    }
}

@Suite("Study exports from live data")
struct StudyExportTests {
    typealias X = StudyExportFixtures
    typealias S = StudyFixtures

    @Test("The long CSV has one row per participant, timepoint and measure with arm, score, completion time and lateness")
    func tidyScores() async throws {
        try await withTendApp { app in
            let study = try await X.make(app)
            let definition = try await S.definition(study.id, on: app)
            let response = try await study.researcher.get(X.path(study.id, .tidyScores))
            #expect(response.status == .ok)
            #expect(response.headers.contentType?.description.hasPrefix("text/csv") == true)
            #expect(response.headers.first(name: .contentDisposition)?.contains("filename=\"\(definition.id)-scores-long.csv\"") == true)
            let lines = X.lines(response.text)
            #expect(lines.first == "study_code,arm,timepoint,measure,score,completed_at,late")
            var expected = ["study_code,arm,timepoint,measure,score,completed_at,late"]
            for person in study.people {
                expected.append("\(person.code),\(person.arm),baseline,ldq.total,\(person.baseline),2026-03-05T10:00:00Z,0")
                expected.append("\(person.code),\(person.arm),post,ldq.total,\(person.post),2026-04-30T11:00:00Z,0")
            }
            #expect(lines == expected)
        }
    }

    @Test("The wide CSV has one row per participant with coded arms, and the SPSS syntax labels its columns and arms")
    func wideScoresAndSyntax() async throws {
        try await withTendApp { app in
            let study = try await X.make(app)
            let definition = try await S.definition(study.id, on: app)
            let wide = try await study.researcher.get(X.path(study.id, .wideScores))
            #expect(wide.status == .ok)
            let lines = X.lines(wide.text)
            #expect(lines.first == "study_code,arm,ldq_total_baseline,ldq_total_post")
            let armCodes = Dictionary(uniqueKeysWithValues: definition.arms.enumerated().map { ($1.id, $0 + 1) })
            #expect(Array(lines.dropFirst()) == study.people.map { "\($0.code),\(armCodes[$0.arm]!),\($0.baseline),\($0.post)" })

            let syntax = try await study.researcher.get(X.path(study.id, .spssSyntax))
            #expect(syntax.status == .ok)
            #expect(syntax.text.contains("/FILE='\(definition.id)-scores-wide.csv'"))
            #expect(syntax.text.contains("    arm F3.0\n"))
            #expect(syntax.text.contains("    ldq_total_baseline F40.0\n    ldq_total_post F40.0\n"))
            #expect(syntax.text.contains("/ldq_total_post 'LDQ Total, post'"))
            #expect(syntax.text.contains("VALUE LABELS arm\n  1 '\(definition.arms[0].id)'\n  2 '\(definition.arms[1].id)'."))
        }
    }

    @Test("The REDCap dictionary lists the study's instruments, and the FHIR bundle holds every submitted questionnaire with its answers")
    func dictionaryAndFHIR() async throws {
        try await withTendApp { app in
            let study = try await X.make(app)
            let dictionary = try await study.researcher.get(X.path(study.id, .dataDictionary))
            #expect(dictionary.status == .ok)
            let lines = X.lines(dictionary.text)
            #expect(lines.first == REDCapDictionary.header.map(\.csvEscaped).joined(separator: ","))
            let names = lines.dropFirst().map { String($0.prefix { $0 != "," }) }
            #expect(names == ["record_id"] + (1...10).map { "ldq_\($0)" } + ["ldq_total"])

            let fhir = try await study.researcher.get(X.path(study.id, .fhirBundle))
            #expect(fhir.status == .ok)
            #expect(fhir.headers.contentType?.description.hasPrefix("application/fhir+json") == true)
            let bundle = try #require(try JSONSerialization.jsonObject(with: Data(fhir.text.utf8)) as? [String: Any])
            #expect(bundle["resourceType"] as? String == "Bundle")
            let entries = try #require(bundle["entry"] as? [[String: Any]])
            #expect(entries.count == study.people.count * 2)
            for (k, person) in study.people.enumerated() {
                for (j, total) in [person.baseline, person.post].enumerated() {
                    let resource = try #require(entries[k * 2 + j]["resource"] as? [String: Any])
                    let subject = try #require(resource["subject"] as? [String: Any])
                    let identifier = try #require(subject["identifier"] as? [String: Any])
                    #expect(identifier["value"] as? String == person.code)
                    #expect((resource["questionnaire"] as? String)?.hasSuffix("/fhir/Questionnaire/ldq|1") == true)
                    let items = try #require(resource["item"] as? [[String: Any]])
                    let values = items.compactMap { (($0["answer"] as? [[String: Any]])?.first?["valueInteger"] as? Int) }
                    #expect(values == X.ldqAnswers(total: total))
                }
            }
        }
    }

    @Test("No export holds a name, an e-mail address or an account id, and each download is audited with its row count")
    func pseudonymisedAndAudited() async throws {
        try await withTendApp { app in
            let study = try await X.make(app)
            let researcherUser = try #require(try await StudyStaffModel.query(on: app.db).with(\.$user).first()?.user)
            let forbidden = study.people.flatMap { [$0.email, $0.user.name, $0.user.id!.uuidString, $0.user.id!.uuidString.lowercased()] }
            let expectedRows: [StudyExportFile: Int] = [
                .tidyScores: 8, .wideScores: 4, .spssSyntax: 4, .dataDictionary: 12, .fhirBundle: 8,
                .reportHTML: 8, .reportText: 8, .reportJSON: 8,
            ]
            for file in StudyExportFile.allCases {
                let response = try await study.researcher.get(X.path(study.id, file))
                #expect(response.status == .ok, "\(file.rawValue): \(response.status)")
                #expect(response.headers.first(name: .cacheControl) == "private, no-store")
                for text in forbidden {
                    #expect(!response.text.contains(text), "\(file.rawValue) contains \(text)")
                }
                let event = try #require(try await AuditEventModel.query(on: app.db).filter(\.$action == file.auditAction)
                    .sort(\.$occurredAt, .descending).first())
                #expect(event.$actor.id == researcherUser.id)
                #expect(event.subjectKind == .study && event.subjectID == study.id)
                #expect(event.rowCount == expectedRows[file], "\(file.rawValue)")
            }
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .studyAnalysisReportExported).count() == 3)
        }
    }

    @Test("Staff blinded to allocation get no arm column, no arm name and a pooled report")
    func blindedStaffSeeNoArm() async throws {
        try await withTendApp { app in
            let study = try await X.make(app)
            let definition = try await S.definition(study.id, on: app)
            #expect(try await S.edit(study.researcher, study.id, { $0.blindedRoles = [.statistician] }, on: app).status == .seeOther)
            let statistician = try await X.staff(app, study, role: .statistician, email: "stats@example.org", name: "Sam")
            let page = try await statistician.get(S.path(study.id) + "/exports")
            #expect(page.status == .ok)
            #expect(page.text.contains("You are blinded to allocation"))

            let tidy = X.lines(try await statistician.get(X.path(study.id, .tidyScores)).text)
            #expect(tidy.first == "study_code,timepoint,measure,score,completed_at,late")
            #expect(tidy.count == 9)
            let wide = X.lines(try await statistician.get(X.path(study.id, .wideScores)).text)
            #expect(wide.first == "study_code,ldq_total_baseline,ldq_total_post")
            #expect(Array(wide.dropFirst()) == study.people.map { "\($0.code),\($0.baseline),\($0.post)" })
            let syntax = try await statistician.get(X.path(study.id, .spssSyntax)).text
            #expect(!syntax.contains("arm"))
            for file in StudyExportFile.allCases {
                // The study's own id (in file names and identifier systems) is not an arm; leave it out.
                let text = try await statistician.get(X.path(study.id, file)).text.replacingOccurrences(of: definition.id, with: "")
                for arm in definition.arms {
                    #expect(!text.contains(arm.id), "\(file.rawValue) names the arm \(arm.id)")
                    #expect(!text.contains(arm.name), "\(file.rawValue) names the arm \(arm.name)")
                }
            }
        }
    }

    @Test("The long CSV read by the analysis reader gives the same results as the report export")
    func tidyCSVMatchesReport() async throws {
        try await withTendApp { app in
            let study = try await X.make(app)
            let tidy = try await study.researcher.get(X.path(study.id, .tidyScores)).text
            var bytes = tidy
            let table = try bytes.withUTF8 { try ScoreTable.parse(UnsafeRawBufferPointer($0)) }
            #expect(table.issues.isEmpty)
            #expect(table.covariateNames.isEmpty, "completed_at and late are row-level, not covariates")
            #expect(Set(table.participants) == Set(study.people.map(\.code)))
            #expect(table.timepoints == ["baseline", "post"])
            for person in study.people {
                let p = try #require(table.participants.firstIndex(of: person.code))
                #expect(table.score(measure: 0, timepoint: 0, participant: p) == Double(person.baseline))
                #expect(table.score(measure: 0, timepoint: 1, participant: p) == Double(person.post))
                #expect(table.arms[Int(table.armOfParticipant[p])] == person.arm)
            }
            let definition = try await S.definition(study.id, on: app)
            let result = try StudyAnalysisExport.analyse(table, definition: definition, library: try QuestionnaireScoring.library())
            #expect(result.settings.pre == "baseline" && result.settings.post == "post")
            let fromCSV = String(decoding: try JSONReport.render(result), as: UTF8.self) + "\n"
            let report = try await study.researcher.get(X.path(study.id, .reportJSON))
            #expect(report.status == .ok)
            #expect(report.text == fromCSV)
            let measure = try #require(result.measures.first)
            #expect(measure.measure == "ldq.total")
            let html = try await study.researcher.get(X.path(study.id, .reportHTML))
            #expect(html.headers.contentType?.description.hasPrefix("text/html") == true)
            #expect(html.text.contains("ldq.total") || html.text.contains("LDQ"))
        }
    }

    @Test("The report export analyses the change the dashboard does: its baseline to its post timepoint, not the second one scored")
    func reportTakesTheDashboardsTimepoints() throws {
        let definition = StudyDefinition(id: "t", title: "T", publicTitle: "T", design: .randomised, arms: [], timepoints: [
            Timepoint(id: "baseline", kind: .baseline, anchor: .consent, daysBefore: 0, daysAfter: 7),
            Timepoint(id: "week-4", kind: .followUp, weeks: 4, anchor: .consent, daysBefore: 3, daysAfter: 7),
            Timepoint(id: "post", kind: .post, anchor: .programmeEnd, daysBefore: 0, daysAfter: 14),
            Timepoint(id: "week-26", kind: .followUp, weeks: 26, anchor: .programmeEnd, daysBefore: 7, daysAfter: 14),
        ])
        #expect(StudyOutcomes.preTimepoint(definition) == "baseline" && StudyOutcomes.postTimepoint(definition) == "post")
        let all = StudyAnalysisExport.options(definition: definition, scored: ["baseline", "week-4", "post", "week-26"])
        #expect(all.pre == "baseline" && all.post == "post")
        // Before anyone reaches post, the first two timepoints with scores stand in.
        let early = StudyAnalysisExport.options(definition: definition, scored: ["baseline", "week-4"])
        #expect(early.pre == "baseline" && early.post == "week-4")
        let rows = "participant,arm,timepoint,measure,score\n" + (1...6).map { p in
            ["baseline": 20, "week-4": 18, "post": 10 + p, "week-26": 12].map { "P\(p),\(p % 2 == 0 ? "a" : "b"),\($0.key),ldq.total,\($0.value)" }
                .joined(separator: "\n")
        }.joined(separator: "\n") + "\n"
        let table = try ScoreTable.parse(rows)
        let result = try StudyAnalysisExport.analyse(table, definition: definition, library: try QuestionnaireScoring.library())
        #expect(result.settings.pre == "baseline" && result.settings.post == "post")
    }

    @Test("The reader pages through participants by screening number and keeps every one exactly once")
    func readerPagesEveryParticipantOnce() async throws {
        try await withTendApp { app in
            let study = try await X.make(app, people: 3)
            let model = try #require(try await StudyModel.find(study.id, on: app.db))
            let definition = try #require(model.definition)
            var reader = StudyExportReader(studyID: study.id, definition: definition, library: try QuestionnaireScoring.library(), withArms: true)
            reader.pageSize = 2
            var pages: [[String]] = []
            try await reader.forEachPage(on: app.db) { page in pages.append(page.map(\.code)) }
            #expect(pages.map(\.count) == [2, 1])
            #expect(pages.flatMap { $0 } == study.people.map(\.code))
        }
    }

    @Test("Only researchers and statisticians on the study reach the exports; the study page links to them")
    func exportsAccess() async throws {
        try await withTendApp { app in
            let study = try await X.make(app, people: 1)
            let studyPage = try await study.researcher.get(S.path(study.id))
            #expect(studyPage.text.contains("href=\"\(S.path(study.id))/exports\""))
            let exports = try await study.researcher.get(S.path(study.id) + "/exports")
            #expect(exports.status == .ok)
            for file in StudyExportFile.allCases { #expect(exports.text.contains(X.path(study.id, file))) }
            #expect(!exports.text.contains("allocations.csv"), "the allocation list stays with the statistician")

            let assessor = try await X.staff(app, study, role: .outcomeAssessor, email: "assessor@example.org", name: "Alex")
            #expect(try await assessor.get(S.path(study.id) + "/exports").status == .forbidden)
            #expect(try await assessor.get(X.path(study.id, .tidyScores)).status == .forbidden)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .studyTidyScoresExported).count() == 0)
            let outsider = try await ParticipantFixtures.signIn(
                try await Fixtures.user(.researcher, email: "elsewhere@example.org", name: "Jo", on: app), on: app)
            #expect(try await outsider.get(X.path(study.id, .tidyScores)).status == .notFound)
        }
    }
}

import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import TendCore
@testable import TendServer

/// The structured study editor: a study built part by part through small forms, each save checked by the
/// same validation and recruiting rules as the JSON editor, bad input shown beside its field with what
/// was typed kept, and only staff who may manage the study (and see arms, for the arms) let in.
@Suite("Study set-up editor")
struct StudySetupEditorTests {
    typealias S = StudyFixtures
    typealias F = ParticipantFixtures

    static func setup(_ study: UUID, _ part: String, _ item: Int? = nil) -> String {
        S.path(study) + "/setup/" + part + (item.map { "/\($0)" } ?? "")
    }

    /// Opens the part's page (for its CSRF token) and posts the form; expects a save.
    static func save(_ staff: Browser, _ study: UUID, _ part: String, item: Int? = nil, _ form: [String: String],
                     sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let page = try await staff.get(setup(study, part, item))
        #expect(page.status == .ok, "\(part) page: \(page.status)", sourceLocation: sourceLocation)
        let response = try await staff.post(setup(study, part, item), form)
        #expect(response.status == .seeOther, "\(part) not saved: \(response.status)\n\(Self.errors(response.text))",
                sourceLocation: sourceLocation)
        #expect(response.location == setup(study, part) + "?saved=1", sourceLocation: sourceLocation)
    }

    /// The error messages on a page, for failure messages.
    static func errors(_ html: String) -> String {
        html.components(separatedBy: "class=\"error-message\"").dropFirst().map { String($0.prefix(300)) }.joined(separator: "\n")
    }

    static func question(_ id: String, _ label: String, rule: String, kind: String = "inclusion", holdsWhen yes: String = "yes") -> [String: String] {
        ["questionID": id, "label": label, "answerKind": "yes-no", "ruleKind": kind, "ruleLabel": rule, "ruleYes": yes]
    }

    /// Seed 001's single-arm evaluation, entered through the set-up forms of a blank study.
    static func buildEvaluation(_ staff: Browser, _ study: UUID) async throws {
        try await save(staff, study, "basics", ["title": "Online compassionate living group for chronic pain (service evaluation)",
                                               "publicTitle": "Living well with pain group", "studyID": "compassionate-living-pain-evaluation",
                                               "design": "single-arm", "blockMultiples": ""])
        try await save(staff, study, "arms", ["name": "Compassionate living with pain", "armID": "group", "role": "active",
                                              "programme": "compassionate-living-pain:ten-session", "ratio": "1", "allocated": "yes"])
        try await save(staff, study, "eligibility", ["questionID": "age", "label": "How old are you, in years?", "answerKind": "number",
                                                     "minimum": "0", "maximum": "120", "ruleKind": "inclusion", "ruleID": "adult", "ruleLabel": "aged 18 to 65",
                                                     "ruleMinimum": "18", "ruleMaximum": "65"])
        for form in [
            question("self-critical", "Did the assessment find harsh self-criticism or little kindness towards yourself?",
                     rule: "self-criticism or low self-kindness at assessment"),
            question("group-format", "Are you willing to work on this in a group?", rule: "willing to work in a group"),
            question("online-access", "Can you join a video call from a computer, tablet or phone?", rule: "able to join online"),
            question("severe-mental-health", "Would severe mental health difficulties right now make it hard to take part in a group?",
                     rule: "severe mental health difficulties now", kind: "exclusion"),
            question("can-attend-most", "Can you keep the group's day and time free for most of the sessions?", rule: "free for most sessions"),
            question("severe-cognitive", "Do memory or thinking difficulties mean one-to-one work would suit you better?",
                     rule: "needs adapted one-to-one work", kind: "exclusion"),
        ] {
            try await save(staff, study, "eligibility", form)
        }
        try await save(staff, study, "consent", [
            "version": "v1", "effective": "2026-01-01", "rows": "4",
            "item-0-id": "questionnaires", "item-0-required": "yes",
            "item-0-statement": "I agree to fill in three short questionnaires when the group starts and again when it ends.",
            "item-1-id": "evaluation-use", "item-1-required": "yes",
            "item-1-statement": "My answers may be used, without my name, to judge how well the group works and to improve it.",
            "item-2-id": "feedback-form",
            "item-2-statement": "I may fill in an anonymous feedback form at the end of the group.",
        ])
        try await save(staff, study, "timepoints", ["timepointID": "pre", "kind": "baseline", "anchor": "group-start",
                                                    "daysBefore": "14", "daysAfter": "0"])
        try await save(staff, study, "timepoints", ["kind": "post", "anchor": "programme-end", "daysBefore": "0", "daysAfter": "14"])
        // One measure more each time, so the schedule keeps the order they were added in.
        var grid: [String: String] = [:]
        for instrument in ["scs-sf", "fscrs", "pseq"] {
            grid["m--\(instrument)--pre"] = "yes"
            grid["m--\(instrument)--post"] = "yes"
            try await save(staff, study, "schedule", grid)
        }
        try await save(staff, study, "risk-items", ["instrument": "fscrs", "item": "9", "atOrAbove": "1"])
    }

    @Test("Seed 001's single-arm evaluation built from a blank study with the set-up forms alone equals its template, audited like the JSON editor")
    func buildSeedFromBlank() async throws {
        try await withTendApp { app in
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher, template: StudyPages.blankTemplate, title: "Pain group evaluation", publicTitle: "Pain group")
            let overview = try await researcher.get(S.path(study) + "/setup")
            #expect(overview.status == .ok)
            #expect(overview.text.contains("Still to do before the study can open"))
            try await Self.buildEvaluation(researcher, study)

            let built = try await S.definition(study, on: app)
            let template = try #require(StudyController.templates().first { $0.id == S.evaluation })
            #expect(StudyController.problems(built).isEmpty, "\(StudyController.problems(built))")
            #expect(built == template)
            #expect(try await StudyModel.find(study, on: app.db)?.title == template.title)
            let changes = try await AuditEventModel.query(on: app.db).filter(\.$action == .studyDefinitionChanged).count()
            #expect(changes == 16, "one audit event per save")

            let done = try await researcher.get(S.path(study) + "/setup")
            #expect(done.text.contains("the study is ready to open"))
            let page = try await researcher.get(S.path(study))
            #expect(page.text.contains("href=\"\(S.path(study))/setup\""))
            #expect(!page.text.contains("The definition is not ready to run"))
        }
    }

    @Test("Changing an item keeps the rest: renaming a timepoint moves the measures scheduled at it, and removing one still in use is refused")
    func changeAndRemoveItems() async throws {
        try await withTendApp { app in
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher, template: S.evaluation, title: "Pain evaluation", publicTitle: "Pain group")
            let page = try await researcher.get(Self.setup(study, "timepoints", 0))
            #expect(page.text.contains("value=\"pre\""))
            try await Self.save(researcher, study, "timepoints", item: 0, ["timepointID": "baseline", "kind": "baseline", "anchor": "group-start",
                                                                     "daysBefore": "7", "daysAfter": "0"])
            var d = try await S.definition(study, on: app)
            #expect(d.timepoints.map(\.id) == ["baseline", "post"])
            #expect(d.timepoints[0].daysBefore == 7)
            #expect(d.schedule.allSatisfy { $0.timepoints == ["baseline", "post"] })

            try await researcher.get(Self.setup(study, "timepoints", 1))
            let refused = try await researcher.post(Self.setup(study, "timepoints", 1) + "/remove", [:])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("Timepoint post is used by scs-sf, fscrs, pseq"))

            try await researcher.get(Self.setup(study, "eligibility", 6))
            let removed = try await researcher.post(Self.setup(study, "eligibility", 6) + "/remove", [:])
            #expect(removed.status == .seeOther)
            d = try await S.definition(study, on: app)
            #expect(d.eligibility.questions.count == 6)
            #expect(!d.eligibility.rules.contains { $0.question == "severe-cognitive" }, "the question's rule goes with it")
        }
    }

    @Test("The measures grid adds an observation that is not a questionnaire, refuses one with no timepoint ticked, and renames one")
    func gridAddsObservation() async throws {
        try await withTendApp { app in
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher, template: S.evaluation, title: "Pain evaluation", publicTitle: "Pain group")
            var grid: [String: String] = [:]
            for instrument in ["scs-sf", "fscrs", "pseq"] {
                grid["m--\(instrument)--pre"] = "yes"
                grid["m--\(instrument)--post"] = "yes"
            }
            var untimed = grid
            untimed["observationLabel"] = "Urine drug screen"
            try await researcher.get(Self.setup(study, "schedule"))
            let refused = try await researcher.post(Self.setup(study, "schedule"), untimed)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("Taken at: found none; expected at least one timepoint id"))
            #expect(refused.text.contains("value=\"Urine drug screen\""))

            var timed = untimed
            timed["m--new-observation--post"] = "yes"
            try await Self.save(researcher, study, "schedule", timed)
            let d = try await S.definition(study, on: app)
            #expect(d.schedule.map(\.measureID) == ["scs-sf", "fscrs", "pseq", "urine-drug-screen"])
            #expect(d.schedule[3] == ScheduledMeasure(observation: "urine-drug-screen", label: "Urine drug screen", timepoints: ["post"]))
            let page = try await researcher.get(Self.setup(study, "schedule"))
            #expect(page.text.contains("<legend class=\"label\">Urine drug screen</legend>"))

            // Its description can be changed on the grid (its short name stays); an empty one is named and refused.
            let label = StudySetupEditor.labelField("urine-drug-screen")
            #expect(page.text.contains("id=\"\(label)\"") && page.text.contains("value=\"Urine drug screen\""))
            var renamed = grid
            renamed["m--urine-drug-screen--post"] = "yes"
            renamed[label] = ""
            let empty = try await researcher.post(Self.setup(study, "schedule"), renamed)
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.text.contains("What is observed (urine-drug-screen): found nothing; expected a few words, such as Urine drug screen"))
            #expect(empty.text.contains("name=\"m--urine-drug-screen--post\" value=\"yes\" checked=\"checked\""))
            renamed[label] = "Supervised urine drug screen"
            try await Self.save(researcher, study, "schedule", renamed)
            #expect(try await S.definition(study, on: app).schedule[3]
                == ScheduledMeasure(observation: "urine-drug-screen", label: "Supervised urine drug screen", timepoints: ["post"]))
        }
    }

    @Test("A bad value in each part is refused with 422, the field named with what was expected, and everything typed kept")
    func badValuesNamed() async throws {
        try await withTendApp { app in
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher, template: S.evaluation, title: "Pain evaluation", publicTitle: "Pain group")
            let before = try await S.definition(study, on: app)

            func post(_ part: String, item: Int? = nil, _ form: [String: String]) async throws -> TestingHTTPResponse {
                try await researcher.get(Self.setup(study, part, item))
                let response = try await researcher.post(Self.setup(study, part, item), form)
                #expect(response.status == .unprocessableEntity, "\(part) should be refused")
                #expect(response.text.contains("There is a problem"))
                return response
            }

            let basics = try await post("basics", ["title": "Pain evaluation", "publicTitle": "Pain group", "studyID": "Pain Eval",
                                                   "design": "single-arm"])
            #expect(basics.text.contains("Short name: found &quot;Pain Eval&quot;; expected lower-case letters, digits and hyphens"))
            #expect(basics.text.contains("value=\"Pain Eval\""))
            #expect(basics.text.contains("aria-invalid=\"true\""))

            let arms = try await post("arms", item: 0, ["name": "Compassion group, renamed", "armID": "group", "role": "active",
                                                  "programme": "compassionate-living-pain:ten-session", "ratio": "0", "allocated": "yes"])
            #expect(arms.text.contains("Allocation ratio: found 0; expected a whole number ≥ 1"))
            #expect(arms.text.contains("value=\"Compassion group, renamed\""))
            let waitlist = try await post("arms", item: 0, ["name": "Group", "armID": "group", "role": "waitlist",
                                                      "programme": "compassionate-living-pain:ten-session", "ratio": "1", "allocated": "yes"])
            #expect(waitlist.text.contains("Programme: found compassionate-living-pain; expected no programme for a waitlist arm"))

            let question = try await post("eligibility", ["questionID": "pain-years", "label": "How many years have you had pain?",
                                                          "answerKind": "number", "minimum": "0", "maximum": "80", "ruleKind": "inclusion",
                                                          "ruleLabel": "pain for a year or more", "ruleMinimum": "ten"])
            #expect(question.text.contains("The rule holds from: found “ten”; expected a number, such as 18"))
            #expect(question.text.contains("value=\"How many years have you had pain?\""))
            let noRule = try await post("eligibility", ["label": "Do you smoke?", "answerKind": "yes-no", "ruleKind": "exclusion",
                                                        "ruleLabel": "smokes"])
            #expect(noRule.text.contains("The rule holds when the answer is: found not a yes/no condition; expected only yes: true or yes: false"))

            let consent = try await post("consent", ["version": "v2", "effective": "01/02/2027", "rows": "2",
                                                     "item-0-statement": "I agree to the new questionnaire.", "item-0-required": "yes"])
            #expect(consent.text.contains("In force from: found “01/02/2027”; expected a date written YYYY-MM-DD"))
            #expect(consent.text.contains("I agree to the new questionnaire.</textarea>"))
            let early = try await post("consent", ["version": "v2", "effective": "2025-06-01", "rows": "2",
                                                   "item-0-statement": "I agree.", "item-0-required": "yes"])
            #expect(early.text.contains("In force from: found 2025-06-01; expected a date after the previous version&#39;s (2026-01-01)"))

            let timepoint = try await post("timepoints", ["timepointID": "follow-up", "kind": "follow-up", "weeks": "",
                                                          "daysBefore": "7", "daysAfter": "14"])
            #expect(timepoint.text.contains("Weeks after the anchor: found none; expected a whole number of weeks ≥ 1"))
            #expect(timepoint.text.contains("value=\"follow-up\""))

            // Unticking the questionnaire a risk item uses would break that risk item.
            let grid = try await post("schedule", ["m--scs-sf--pre": "yes", "m--scs-sf--post": "yes", "m--pseq--pre": "yes", "m--pseq--post": "yes"])
            #expect(grid.text.contains("riskItems[0].instrument: found &quot;fscrs&quot;; expected an instrument the schedule uses"))
            #expect(grid.text.contains("id=\"m--pseq--post\" name=\"m--pseq--post\" value=\"yes\" checked=\"checked\""))

            let feasibility = try await post("feasibility", ["numerator": "completed", "denominator": "agreed", "threshold": "150%"])
            #expect(feasibility.text.contains("Success if at least: found 1.5; expected a proportion from 0 to 1"))
            #expect(feasibility.text.contains("value=\"150%\""))

            let risk = try await post("risk-items", item: 0, ["instrument": "fscrs", "item": "99", "atOrAbove": "1"])
            #expect(risk.text.contains("Item number: found 99; expected an item of fscrs, 1 to 22"))

            let strata = try await post("stratification", ["label": "Medication", "levels": "methadone"])
            #expect(strata.text.contains("Levels: found 1 levels; expected at least two levels"))
            #expect(strata.text.contains("methadone</textarea>"))

            #expect(try await S.definition(study, on: app) == before, "nothing refused was saved")
        }
    }

    @Test("A randomised study is set up with its arms, blocks and strata; strata on a single-arm study are refused")
    func randomisedBasics() async throws {
        try await withTendApp { app in
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher, template: StudyPages.blankTemplate, title: "Pain trial", publicTitle: "Pain course")
            try await Self.save(researcher, study, "basics", ["title": "Pain trial", "publicTitle": "Pain course", "studyID": "pain-trial",
                                                              "design": "randomised", "blockMultiples": "1, 2"])
            try await Self.save(researcher, study, "arms", ["name": "Compassionate mind", "role": "active",
                                                            "programme": "compassionate-mind-pain-online:three-week", "ratio": "2", "allocated": "yes"])
            try await Self.save(researcher, study, "arms", ["name": "Relaxing music", "role": "active-control",
                                                            "programme": "relaxing-music-control:three-week", "ratio": "1", "allocated": "yes"])
            try await Self.save(researcher, study, "stratification", ["label": "Opioid dose", "levels": "low\nhigh"])
            let d = try await S.definition(study, on: app)
            #expect(d.design == .randomised)
            #expect(d.randomisation == RandomisationSettings(blockMultiples: [1, 2]))
            #expect(d.arms.map(\.id) == ["compassionate-mind", "relaxing-music"])
            #expect(d.arms.map(\.ratio) == [2, 1])
            #expect(d.stratification == [StratificationFactor(id: "opioid-dose", label: "Opioid dose", levels: ["low", "high"])])
            #expect(!StudyController.problems(d).contains { $0.field.hasPrefix("arms") || $0.field.hasPrefix("randomisation") })

            try await researcher.get(Self.setup(study, "basics"))
            let single = try await researcher.post(Self.setup(study, "basics"), ["title": "Pain trial", "publicTitle": "Pain course",
                                                                                 "studyID": "pain-trial", "design": "single-arm"])
            #expect(single.status == .unprocessableEntity)
            #expect(single.text.contains("Design: found 1 factors; expected no strata for a single-arm study"))
            let named = try await researcher.post(Self.setup(study, "basics"), ["title": "Pain trial", "publicTitle": "Relaxing music study",
                                                                                "studyID": "pain-trial", "design": "randomised", "blockMultiples": "1, 2"])
            #expect(named.text.contains("Public title must not name an arm"))
        }
    }

    /// A researcher and their single-arm evaluation, open for recruitment.
    static func recruitingEvaluation(_ app: Application) async throws -> (researcher: Browser, study: UUID) {
        F.clock(app, at: "2026-03-01T10:00:00Z")
        let researcher = try await Fixtures.signedIn(.researcher, on: app)
        let study = try await S.create(researcher, template: S.evaluation, title: "Pain evaluation", publicTitle: "Pain group")
        try await S.open(researcher, study)
        return (researcher, study)
    }

    @Test("Once recruiting, the short name and the timepoints in use stay as they are, with what was typed kept; a timepoint may be added")
    func recruitingKeepsShortNameAndTimepoints() async throws {
        try await withTendApp { app in
            let (researcher, study) = try await Self.recruitingEvaluation(app)
            let before = try await S.definition(study, on: app)
            try await researcher.get(Self.setup(study, "basics"))
            let renamed = try await researcher.post(Self.setup(study, "basics"), [
                "title": "Pain evaluation, renamed", "publicTitle": "Pain group", "studyID": "another-name", "design": "single-arm"])
            #expect(renamed.status == .unprocessableEntity)
            #expect(renamed.text.contains("The short name cannot change once the study is recruiting: data files and exported identifiers already use “\(before.id)”"))
            #expect(renamed.text.contains("value=\"Pain evaluation, renamed\"") && renamed.text.contains("value=\"another-name\""))
            #expect(try await S.definition(study, on: app).id == before.id)
            // The title alone may change.
            try await Self.save(researcher, study, "basics", ["title": "Pain evaluation, renamed", "publicTitle": "Pain group",
                                                             "studyID": before.id, "design": "single-arm"])

            let first = try #require(before.timepoints.first)
            try await researcher.get(Self.setup(study, "timepoints", 0))
            let moved = try await researcher.post(Self.setup(study, "timepoints", 0), [
                "timepointID": first.id + "-x", "kind": first.kind.rawValue, "daysBefore": "7", "daysAfter": "0"])
            #expect(moved.status == .unprocessableEntity)
            #expect(moved.text.contains("Timepoint “\(first.id)” cannot be renamed or removed once the study is recruiting"))
            try await Self.save(researcher, study, "timepoints", ["timepointID": "week-26", "kind": "follow-up", "weeks": "26",
                                                                  "daysBefore": "7", "daysAfter": "14"])
            #expect(try await S.definition(study, on: app).timepoints.map(\.id) == before.timepoints.map(\.id) + ["week-26"])
        }
    }

    @Test("Once recruiting, arm changes are refused with the shared rule and the arms page offers no change")
    func recruitingRefusesArmChanges() async throws {
        try await withTendApp { app in
            let (researcher, study) = try await Self.recruitingEvaluation(app)
            let page = try await researcher.get(Self.setup(study, "arms"))
            #expect(page.status == .ok)
            #expect(page.text.contains("its arms and strata are fixed"))
            #expect(!page.text.contains("name=\"ratio\""))
            #expect(!page.text.contains("href=\"\(Self.setup(study, "arms", 0))\""))

            let change = try await researcher.post(Self.setup(study, "arms", 0), [
                "name": "Compassionate living with pain", "armID": "group", "role": "active",
                "programme": "compassionate-living-pain:ten-session", "ratio": "2", "allocated": "yes"])
            #expect(change.status == .unprocessableEntity)
            #expect(change.text.contains("Arms, design, randomisation and stratification cannot change once the study is recruiting"))
            let add = try await researcher.post(Self.setup(study, "arms"), ["name": "Waiting list", "role": "waitlist", "ratio": "1"])
            #expect(add.status == .unprocessableEntity)
            let remove = try await researcher.post(Self.setup(study, "arms", 0) + "/remove", [:])
            #expect(remove.status == .unprocessableEntity)
            #expect(try await S.definition(study, on: app).arms.map(\.ratio) == [1])

            // What does not touch allocation can still change.
            try await Self.save(researcher, study, "feasibility", ["numerator": "completed", "denominator": "agreed", "threshold": "60%"])
            #expect(try await S.definition(study, on: app).feasibilityCriteria == [FeasibilityCriterion(numerator: "completed", denominator: "agreed", threshold: 0.6)])
        }
    }

    @Test("Consent versions in use are read-only: no form, changes and removal refused; a new version can be added after them")
    func consentInUseReadOnly() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-01T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher, template: S.evaluation, title: "Pain evaluation", publicTitle: "Pain group")
            let before = try await researcher.get(Self.setup(study, "consent", 0))
            #expect(before.text.contains("name=\"version\""), "not yet in use: editable")
            try await S.open(researcher, study)

            let list = try await researcher.get(Self.setup(study, "consent"))
            #expect(list.text.contains("(in use: add a new version instead)"))
            #expect(!list.text.contains("href=\"\(Self.setup(study, "consent", 0))\""))
            let page = try await researcher.get(Self.setup(study, "consent", 0))
            #expect(page.text.contains("This consent form version is in use"))
            #expect(!page.text.contains("name=\"item-0-statement\""))
            let change = try await researcher.post(Self.setup(study, "consent", 0), [
                "version": "v1", "effective": "2026-01-01", "rows": "1", "item-0-statement": "Changed.", "item-0-required": "yes"])
            #expect(change.status == .unprocessableEntity)
            #expect(change.text.contains("Consent version v1 is in use and cannot be changed"))
            let remove = try await researcher.post(Self.setup(study, "consent", 0) + "/remove", [:])
            #expect(remove.status == .unprocessableEntity)

            let new = try await researcher.get(Self.setup(study, "consent"))
            #expect(new.text.contains("value=\"v2\""), "a new version starts as a copy of the latest")
            #expect(new.text.contains("I agree to fill in three short questionnaires"))
            try await Self.save(researcher, study, "consent", [
                "version": "v2", "effective": "2026-04-01", "rows": "2", "item-0-id": "questionnaires", "item-0-required": "yes",
                "item-0-statement": "I agree to fill in three short questionnaires at the start and end of the group."])
            let d = try await S.definition(study, on: app)
            #expect(d.consentForms.map(\.version) == ["v1", "v2"])
            #expect(d.consentForms[0] == StudyController.templates().first { $0.id == S.evaluation }!.consentForms[0])
        }
    }

    @Test("Blinded or non-managing staff get 403 on every set-up page and post; a blinded admin reaches set-up but never the arms")
    func blindedAndNonManagingForbidden() async throws {
        try await withTendApp { app in
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher, template: S.evaluation, title: "Pain evaluation", publicTitle: "Pain group")
            try await Self.save(researcher, study, "blinding", ["blind-outcome-assessor": "yes"])
            #expect(try await S.definition(study, on: app).blindedRoles == [.outcomeAssessor])
            let assessorUser = try await Fixtures.user(.researcher, email: "assessor@example.org", name: "Alex Assessor", on: app)
            let facilitatorUser = try await Fixtures.user(.facilitator, on: app)
            let adminUser = try await Fixtures.user(.admin, email: "blind-admin@example.org", on: app)
            try await S.addStaff(researcher, study, assessorUser, role: .outcomeAssessor)
            try await S.addStaff(researcher, study, facilitatorUser, role: .facilitator)
            try await S.addStaff(researcher, study, adminUser, role: .outcomeAssessor)

            for user in [assessorUser, facilitatorUser] {
                let staff = try await F.signIn(user, on: app)
                let studyPage = try await staff.get(S.path(study))
                #expect(!studyPage.text.contains("/setup"))
                #expect(try await staff.get(S.path(study) + "/setup").status == .forbidden)
                for part in StudySetupPart.allCases {
                    #expect(try await staff.get(Self.setup(study, part.rawValue)).status == .forbidden, "\(user.email) GET \(part)")
                    #expect(try await staff.post(Self.setup(study, part.rawValue), [:]).status == .forbidden, "\(user.email) POST \(part)")
                }
                #expect(try await staff.get(Self.setup(study, "arms", 0)).status == .forbidden)
                #expect(try await staff.post(Self.setup(study, "arms", 0) + "/remove", [:]).status == .forbidden)
            }

            let admin = try await F.signIn(adminUser, on: app)
            let overview = try await admin.get(S.path(study) + "/setup")
            #expect(overview.status == .ok)
            #expect(!overview.text.contains("/setup/arms"))
            #expect(!overview.text.contains("Compassionate living with pain"))
            #expect(try await admin.get(Self.setup(study, "arms")).status == .forbidden)
            #expect(try await admin.post(Self.setup(study, "arms", 0), ["ratio": "2"]).status == .forbidden)
            #expect(try await admin.get(Self.setup(study, "timepoints")).status == .ok)
            #expect(try await S.definition(study, on: app).arms.map(\.ratio) == [1])
            // Nor through the JSON editor, which names every arm.
            let studyPage = try await admin.get(S.path(study))
            #expect(!studyPage.text.contains("id=\"advanced\""))
            #expect(!studyPage.text.contains("Compassionate living with pain"))
            var changed = try await S.definition(study, on: app)
            changed.title = "Renamed by a blinded admin"
            let json = String(decoding: try JSONEncoder().encode(changed), as: UTF8.self)
            #expect(try await admin.post(S.path(study) + "/definition", ["definition": json]).status == .forbidden)
            #expect(try await S.definition(study, on: app).title != changed.title)
        }
    }
}

@Suite("Study set-up programme choices")
struct StudySetupProgrammeOptionTests {
    @Test("An arm's programme that the catalogue no longer has stays selectable, so saving the arm again keeps it")
    func missingProgrammeStaysSelectable() {
        let catalogues = StudySetupController.catalogues()
        let listed = StudySetupEditor.programmeOptions(catalogues)
        #expect(listed.first?.value == "")
        #expect(!listed.contains { $0.value == "retired-course:v1" })
        let kept = StudySetupEditor.programmeOptions(catalogues, keeping: "retired-course:v1")
        #expect(kept.count == listed.count + 1)
        #expect(kept.contains { $0.value == "retired-course:v1" && $0.label.contains("not in this server's catalogue") })
        #expect(listed.count > 1, "the built-in catalogue has programmes")
        if let current = listed.dropFirst().first {
            #expect(StudySetupEditor.programmeOptions(catalogues, keeping: current.value).count == listed.count)
        }
        #expect(StudySetupEditor.programmeOptions(catalogues, keeping: "").count == listed.count)
    }
}

import Fluent
import Foundation
import TendCore

/// Safety alerts on submitted questionnaires. TendCore's ``SafetyRules`` decide (PHQ-9 item 9, the
/// extremely severe band, reliable deterioration against the participant's baseline, risk items of
/// the definition and the study); this stores each alert once under its stable key and tells the
/// participant's facilitator that there is something to look at, without any answer content.
enum SafetyAlerts {
    /// Runs the rules on a just-submitted assignment (with the participant's baseline of the same
    /// instrument in the same study) and stores the alerts not stored before. Returns the new ones.
    static func raise(for row: QuestionnaireAssignmentModel, definition: InstrumentDefinition, library: InstrumentLibrary,
                      baseURL: URL, on db: any Database, now: Date) async throws -> [SafetyAlertModel] {
        guard let sheet = row.scoreSheet, let rowID = row.id else { return [] }
        let userID = row.$user.id
        let participant = userID.uuidString.lowercased()
        let settings = try await QuestionnaireStudySettingsModel.query(on: db).filter(\.$studyID == row.studyID).first()
        let baselineTimepoint = settings?.baselineTimepoint ?? "baseline"
        var observations = sheet.scores.map {
            ScoreObservation(participant: participant, measure: $0.measure, timepoint: row.timepointID, score: $0.score,
                             completedAt: row.submittedAt ?? now)
        }
        if row.timepointID != baselineTimepoint,
           let baseline = try await QuestionnaireAssignmentModel.query(on: db)
            .filter(\.$user.$id == userID).filter(\.$studyID == row.studyID)
            .filter(\.$instrumentID == row.instrumentID).filter(\.$timepointID == baselineTimepoint).first(),
           let baseSheet = baseline.scoreSheet {
            observations = baseSheet.scores.map {
                ScoreObservation(participant: participant, measure: $0.measure, timepoint: baselineTimepoint, score: $0.score,
                                 completedAt: baseline.submittedAt ?? now)
            } + observations
        }
        let sds = try await baselineSDs(study: row.studyID, instrument: row.instrumentID, timepoint: baselineTimepoint,
                                        definition: definition, on: db)
        let rules = SafetySettings(
            baselineTimepoint: baselineTimepoint, baselineSD: sds,
            studyRiskItems: (settings?.riskItems ?? []).map { StudyRiskItem(instrument: $0.instrument, item: $0.item, atOrAbove: $0.atOrAbove) })
        let responses = ItemResponseSet(participant: participant, instrument: row.instrumentID, timepoint: row.timepointID,
                                        responses: row.answers(count: definition.itemCount), completedAt: row.submittedAt ?? now)
        let report = SafetyRules.alerts(scores: observations, responses: [responses], library: library, settings: rules)

        var created: [SafetyAlertModel] = []
        for alert in report.alerts where alert.timepoint == row.timepointID {
            let key = row.studyID.uuidString.lowercased() + "|" + alert.key
            if try await SafetyAlertModel.query(on: db).filter(\.$key == key).first() != nil { continue }
            let model = SafetyAlertModel()
            model.key = key
            model.$user.id = userID
            model.studyID = row.studyID
            model.$assignment.id = rowID
            model.kind = alert.kind.rawValue
            model.measure = alert.measure
            model.timepoint = alert.timepoint
            model.value = alert.value
            model.threshold = alert.threshold
            model.detail = alert.detail
            model.raisedAt = alert.raisedAt
            try await model.create(on: db)
            created.append(model)
        }
        for alert in created {
            for (recipient, link) in try await responsible(for: userID, baseURL: baseURL, on: db) {
                try await SafetyAlertNotifications.enqueue(alert: alert, escalated: false, to: recipient, link: link, on: db, now: now)
            }
        }
        return created
    }

    /// Baselines a study needs before its own sample SD is used for reliable deterioration.
    static let minimumBaselinesForSD = 10

    /// The baseline SD of each scale for the RCI: the study sample's, once at least
    /// ``minimumBaselinesForSD`` participants have a baseline score; before that the published clinical
    /// SD when the definition has one; otherwise none (TendCore then notes the check could not run).
    static func baselineSDs(study: UUID, instrument: String, timepoint: String, definition: InstrumentDefinition,
                            on db: any Database) async throws -> [String: Double] {
        let baselines = try await QuestionnaireAssignmentModel.query(on: db)
            .filter(\.$studyID == study).filter(\.$instrumentID == instrument).filter(\.$timepointID == timepoint)
            .filter(\.$submittedAt != nil).all().compactMap(\.scoreSheet)
        var sds: [String: Double] = [:]
        for scale in definition.scales {
            let measure = definition.measureID(of: scale)
            let scores = baselines.compactMap { $0.score(measure) }
            if scores.count >= minimumBaselinesForSD {
                sds[measure] = Descriptive.standardDeviation(scores)
            } else if let sd = scale.norms.clinical.norm?.sd {
                sds[measure] = sd
            }
        }
        return sds
    }

    /// Who looks after a participant: the facilitator of each group they are in, with the link to that
    /// group's alerts; the admins when they are in no group.
    static func responsible(for participant: UUID, baseURL: URL, on db: any Database) async throws -> [(UserModel, String)] {
        let members = try await RosterMemberModel.query(on: db).filter(\.$user.$id == participant).with(\.$group) { $0.with(\.$facilitator) }.all()
        var out: [(UserModel, String)] = []
        var seen = Set<UUID>()
        for member in members {
            let facilitator = member.group.facilitator
            guard let id = facilitator.id, seen.insert(id).inserted, let groupID = member.group.id else { continue }
            out.append((facilitator, SiteURL.groupAlerts(.value(groupID)).absolute(on: baseURL)))
        }
        if out.isEmpty {
            for admin in try await UserModel.query(on: db).filter(\.$role == .admin).all() {
                out.append((admin, SiteURL.home.absolute(on: baseURL)))
            }
        }
        return out
    }

    /// Escalates every open alert left unacknowledged longer than its study's escalation time
    /// (``SafetyRules/escalationDue(_:acknowledged:now:after:)``): marks it and tells every admin.
    @discardableResult
    static func escalate(now: Date, baseURL: URL, on db: any Database) async throws -> Int {
        let open = try await SafetyAlertModel.query(on: db).filter(\.$acknowledgedAt == nil).filter(\.$escalatedAt == nil).all()
        guard !open.isEmpty else { return 0 }
        var hours: [UUID: Double] = [:]
        for settings in try await QuestionnaireStudySettingsModel.query(on: db).all() { hours[settings.studyID] = settings.escalationHours }
        let admins = try await UserModel.query(on: db).filter(\.$role == .admin).all()
        var count = 0
        for alert in open {
            let after = alert.studyID.flatMap { hours[$0] } ?? QuestionnaireAssignments.defaultEscalationHours
            let finding = SafetyAlert(participant: alert.$user.id.uuidString, kind: alert.alertKind ?? .riskItem, measure: alert.measure,
                                      timepoint: alert.timepoint, value: alert.value, threshold: alert.threshold,
                                      detail: alert.detail, raisedAt: alert.raisedAt)
            guard SafetyRules.escalationDue(finding, acknowledged: false, now: now, after: after) else { continue }
            alert.escalatedAt = now
            try await alert.save(on: db)
            for admin in admins {
                try await SafetyAlertNotifications.enqueue(alert: alert, escalated: true, to: admin,
                                                           link: SiteURL.home.absolute(on: baseURL), on: db, now: now)
            }
            count += 1
        }
        return count
    }
}

/// How staff hear about a safety alert. For now an e-mail in the outbox (one per alert and person,
/// by dedupe key); the message names no participant and holds no answer, only where to look.
enum SafetyAlertNotifications {
    static func enqueue(alert: SafetyAlertModel, escalated: Bool, to recipient: UserModel, link: String,
                        on db: any Database, now: Date) async throws {
        guard let alertID = alert.id, let recipientID = recipient.id else { return }
        let subject = escalated ? "A safety alert has not been acknowledged" : "A questionnaire needs your attention today"
        let body = escalated
            ? "A safety alert raised on a participant's questionnaire has been open longer than the study allows without being acknowledged. Please make sure someone looks at it today.\n\nSign in to Tend: \(link)\n"
            : "A questionnaire filled in by someone in your group raised a safety alert. Please look at it today and acknowledge it with a note.\n\nSign in to Tend to see it: \(link)\n"
        let key = "safety-alert:" + alertID.uuidString.lowercased() + (escalated ? ":escalated:" : ":") + recipientID.uuidString.lowercased()
        try await Outbox.enqueue(NewOutboxMessage(channel: .email, recipient: recipient.email, subject: subject, body: body,
                                                  dedupeKey: key, dueAt: now), on: db, now: now)
    }
}

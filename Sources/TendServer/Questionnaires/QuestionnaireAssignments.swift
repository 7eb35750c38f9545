import Fluent
import Foundation
import TendCore

/// The questionnaires each study participant is asked to fill in, planned from TendCore's
/// ``MeasurementPlan``. Study set-up calls ``plan(for:study:definition:anchors:timeZone:on:now:)`` after
/// consent and allocation, and again whenever an anchor date moves.
enum QuestionnaireAssignments {
    /// Hours an unacknowledged safety alert waits before it is escalated, unless the study says otherwise.
    static let defaultEscalationHours = 24.0

    /// Inserts the participant's questionnaires for `study`, or reconciles them with the windows the
    /// current anchors give (``MeasurementPlan/reconcile(old:new:sentOrAnswered:)``): a window that was
    /// reminded about, answered in part or submitted stays exactly as it was; every other window is
    /// recomputed. A not-yet-started assignment the new plan no longer places is removed; a missed or
    /// answered one never is. Only measures that are instruments in the library become questionnaires.
    /// Also records the study's safety settings (baseline timepoint, risk items).
    @discardableResult
    static func plan(for user: UUID, study: UUID, definition: StudyDefinition, anchors: ParticipantAnchors,
                     timeZone: TimeZone, escalationHours: Double = defaultEscalationHours,
                     on database: any Database, now: Date) async throws -> ReconciledPlan {
        let library = try QuestionnaireScoring.library()
        return try await database.transaction { db in
            let existing = try await QuestionnaireAssignmentModel.query(on: db)
                .filter(\.$user.$id == user).filter(\.$studyID == study).all()
            var byKey: [MeasurementKey: QuestionnaireAssignmentModel] = [:]
            for row in existing { byKey[row.key] = row }
            let old = MeasurementPlan(windows: existing.compactMap(\.window))
            let new = MeasurementPlan.plan(for: definition, anchors: anchors)
            let touched = Set(existing.filter { $0.isSubmitted || $0.remindedAt != nil || $0.hasAnswers }.map(\.key))
            let reconciled = MeasurementPlan.reconcile(old: old, new: new, sentOrAnswered: touched)
            let kept = Set(reconciled.kept)
            var placed = Set<MeasurementKey>()
            for window in reconciled.plan.windows {
                guard let instrument = library.instrument(window.key.measure) else { continue }
                placed.insert(window.key)
                if let row = byKey[window.key] {
                    guard !kept.contains(window.key), row.window != window else { continue }
                    row.opensOn = window.opens.description
                    row.dueOn = window.due.description
                    row.closesOn = window.closes.description
                    row.timeZone = timeZone.identifier
                    row.updatedAt = now
                    try await row.save(on: db)
                } else {
                    let row = QuestionnaireAssignmentModel()
                    row.$user.id = user
                    row.studyID = study
                    row.instrumentID = window.key.measure
                    row.timepointID = window.key.timepoint
                    row.timeZone = timeZone.identifier
                    row.opensOn = window.opens.description
                    row.dueOn = window.due.description
                    row.closesOn = window.closes.description
                    row.status = MeasurementStatus.upcoming.rawValue
                    row.setAnswers(Array(repeating: nil, count: instrument.itemCount))
                    row.createdAt = now
                    row.updatedAt = now
                    try await row.create(on: db)
                    byKey[window.key] = row
                }
            }
            for row in existing where !placed.contains(row.key) && !touched.contains(row.key) && row.measurementStatus != .missed {
                try await row.delete(on: db)
            }
            try await saveSettings(study: study, definition: definition, escalationHours: escalationHours, on: db)
            try await refresh(Array(byKey.values.filter { placed.contains($0.key) }), now: now, on: db)
            return reconciled
        }
    }

    static func saveSettings(study: UUID, definition: StudyDefinition, escalationHours: Double, on db: any Database) async throws {
        let settings = try await QuestionnaireStudySettingsModel.query(on: db).filter(\.$studyID == study).first()
            ?? QuestionnaireStudySettingsModel()
        settings.studyID = study
        settings.baselineTimepoint = definition.timepoints.first { $0.kind == .baseline }?.id
        settings.riskItemsJSON = String(decoding: try JSONEncoder().encode(definition.riskItems), as: UTF8.self)
        settings.escalationHours = escalationHours
        try await settings.save(on: db)
    }

    /// Brings each unsubmitted assignment's status up to `now` with TendCore's
    /// ``MeasurementPlan/statuses(completions:today:)``: upcoming, due, or missed once its window has
    /// closed (recorded, never deleted). Submitted ones keep the status they were submitted with.
    static func refresh(_ rows: [QuestionnaireAssignmentModel], now: Date, on db: any Database) async throws {
        for row in rows where !row.isSubmitted {
            guard let window = row.window else { continue }
            let today = LocalDateTime(now, in: row.zone).date
            let status = MeasurementPlan(windows: [window]).statuses(completions: [], today: today).status(row.key) ?? .upcoming
            if status.rawValue != row.status {
                row.status = status.rawValue
                row.updatedAt = now
                try await row.save(on: db)
            }
        }
    }

    /// The status a submission at `now` gets: completed on time, or late after the window closed.
    static func submissionStatus(_ row: QuestionnaireAssignmentModel, at now: Date) -> MeasurementStatus {
        guard let window = row.window else { return .completedOnTime }
        let completion = MeasurementCompletion(key: row.key, at: now, in: row.zone)
        return MeasurementPlan(windows: [window]).statuses(completions: [completion], today: completion.completedOn)
            .status(row.key) ?? .completedOnTime
    }

    /// A participant's questionnaires with statuses brought up to `now`, soonest closing first.
    static func all(for user: UUID, now: Date, on db: any Database) async throws -> [QuestionnaireAssignmentModel] {
        let rows = try await QuestionnaireAssignmentModel.query(on: db).filter(\.$user.$id == user)
            .sort(\.$closesOn, .ascending).all()
        try await refresh(rows, now: now, on: db)
        return rows
    }

    /// The ones open now and not yet submitted.
    static func due(for user: UUID, now: Date, on db: any Database) async throws -> [QuestionnaireAssignmentModel] {
        try await all(for: user, now: now, on: db).filter { $0.measurementStatus == .due }
    }

    /// Marks every unsubmitted assignment whose window has closed as missed (the periodic sweep; pages
    /// also bring what they show up to date when they read it).
    static func sweepMissed(now: Date, on db: any Database) async throws {
        let rows = try await QuestionnaireAssignmentModel.query(on: db)
            .filter(\.$submittedAt == nil)
            .filter(\.$status != MeasurementStatus.missed.rawValue).all()
        try await refresh(rows, now: now, on: db)
    }
}

extension QuestionnaireAssignmentModel {
    /// Whether any item has been answered.
    var hasAnswers: Bool {
        let decoded = StoredJSON.answers(answersJSON, decoder: JSONDecoder()) ?? []
        return decoded.contains { $0 != nil }
    }
}

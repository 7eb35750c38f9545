import Fluent
import SQLKit

/// Questionnaires that fall due by a study's measurement schedule, the per-study settings they are
/// checked with, imported wording packs, and the safety alerts raised on submission.
///
/// `study_id` is a plain UUID column without a foreign key: studies live in their own tables, and an
/// assignment must never block (or be removed with) a change there.
struct CreateQuestionnaireTables: AsyncMigration {
    var name: String { "CreateQuestionnaireTables" }

    func prepare(on database: any Database) async throws {
        try await database.schema(QuestionnaireAssignmentModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("study_id", .uuid, .required)
            .field("instrument_id", .string, .required)
            .field("timepoint_id", .string, .required)
            .field("time_zone", .string, .required)
            .field("opens_on", .string, .required)
            .field("due_on", .string, .required)
            .field("closes_on", .string, .required)
            .field("status", .string, .required)
            .field("answers", .string, .required)
            .field("scores", .string)
            .field("scored_with", .string)
            .field("definition_hash", .string)
            .field("submitted_at", .datetime)
            .field("reminded_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "user_id", "study_id", "instrument_id", "timepoint_id", name: "questionnaire_assignments_key")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX questionnaire_assignments_user_status ON questionnaire_assignments (user_id, status)").run()

        try await database.schema(QuestionnaireStudySettingsModel.schema)
            .id()
            .field("study_id", .uuid, .required)
            .field("baseline_timepoint", .string)
            .field("risk_items", .string, .required)
            .field("escalation_hours", .double, .required)
            .unique(on: "study_id", name: "questionnaire_study_settings_study")
            .create()

        try await database.schema(WordingPackModel.schema)
            .id()
            .field("instrument_id", .string, .required)
            .field("source", .string)
            .field("pack", .string, .required)
            .field("imported_at", .datetime, .required)
            .unique(on: "instrument_id", name: "wording_packs_instrument")
            .create()

        try await database.schema(SafetyAlertModel.schema)
            .id()
            .field("alert_key", .string, .required)
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("study_id", .uuid)
            .field("assignment_id", .uuid, .references(QuestionnaireAssignmentModel.schema, "id"))
            .field("kind", .string, .required)
            .field("measure", .string, .required)
            .field("timepoint", .string, .required)
            .field("value", .double, .required)
            .field("threshold", .double, .required)
            .field("detail", .string, .required)
            .field("raised_at", .datetime, .required)
            .field("acknowledged_at", .datetime)
            .field("acknowledged_by", .uuid, .references(UserModel.schema, "id"))
            .field("note", .string)
            .field("escalated_at", .datetime)
            .unique(on: "alert_key", name: "alerts_key")
            .create()
        try await sql.raw("CREATE INDEX alerts_open ON alerts (acknowledged_at, user_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SafetyAlertModel.schema).delete()
        try await database.schema(WordingPackModel.schema).delete()
        try await database.schema(QuestionnaireStudySettingsModel.schema).delete()
        try await database.schema(QuestionnaireAssignmentModel.schema).delete()
    }
}

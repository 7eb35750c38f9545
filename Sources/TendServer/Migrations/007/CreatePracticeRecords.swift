import Fluent
import SQLKit

/// A participant's own records: practice entries, medicines, diary days (one per person and date) with
/// their doses, and thought records. Each row belongs to a participant account and goes with it.
struct CreatePracticeRecords: AsyncMigration {
    var name: String { "CreatePracticeRecords" }

    func prepare(on database: any Database) async throws {
        try await database.schema(PracticeEntryModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
            .field("date", .string, .required)
            .field("exercise_id", .string)
            .field("minutes", .int, .required)
            .field("feeling", .int)
            .field("note", .string)
            .create()
        try await database.schema(MedicineModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("unit", .string, .required)
            .field("removed_at", .datetime)
            .create()
        try await database.schema(DiaryEntryModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
            .field("date", .string, .required)
            .field("pain", .int)
            .field("mood", .int)
            .field("craving", .int)
            .field("note", .string)
            .field("critical_thought", .string)
            .field("in_collection", .bool, .required)
            .field("saves", .int, .required)
            .unique(on: "user_id", "date", name: "diary_entries_user_date_key")
            .create()
        try await database.schema(DiaryDoseModel.schema)
            .id()
            .field("diary_entry_id", .uuid, .required, .references(DiaryEntryModel.schema, "id", onDelete: .cascade))
            .field("medicine_id", .uuid, .required, .references(MedicineModel.schema, "id", onDelete: .cascade))
            .field("doses", .int, .required)
            .unique(on: "diary_entry_id", "medicine_id", name: "diary_doses_entry_medicine_key")
            .create()
        try await database.schema(ThoughtRecordModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
            .field("date", .string, .required)
            .field("thought", .string, .required)
            .field("situation", .string)
            .field("critic_fears", .string)
            .field("wise_response", .string)
            .field("strong_response", .string)
            .field("caring_response", .string)
            .field("distress_before", .int)
            .field("distress_after", .int)
            .create()
        // Every page reads one person's rows, newest days first.
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX practice_entries_user_date ON practice_entries (user_id, date)").run()
        try await sql.raw("CREATE INDEX medicines_user ON medicines (user_id)").run()
        try await sql.raw("CREATE INDEX thought_records_user_date ON thought_records (user_id, date)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ThoughtRecordModel.schema).delete()
        try await database.schema(DiaryDoseModel.schema).delete()
        try await database.schema(DiaryEntryModel.schema).delete()
        try await database.schema(MedicineModel.schema).delete()
        try await database.schema(PracticeEntryModel.schema).delete()
    }
}

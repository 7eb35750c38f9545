import Fluent
import SQLKit

/// Records staff keep about study participants: biochemical tests, medication and dose, reimbursements.
/// Each row belongs to one person in a study's screening log; the member of staff who recorded it is
/// kept (and set to nothing should that account ever go).
struct CreateStaffRecords: AsyncMigration {
    var name: String { "CreateStaffRecords" }

    func prepare(on database: any Database) async throws {
        try await database.schema(BiochemicalTestModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("study_id", .uuid, .required, .references(StudyModel.schema, "id"))
            .field("screening_id", .uuid, .required, .references(StudyScreeningModel.schema, "id", onDelete: .cascade))
            .field("recorded_by_id", .uuid, .references(UserModel.schema, "id", onDelete: .setNull))
            .field("date", .string, .required)
            .field("specimen", .string, .required)
            .field("substance", .string, .required)
            .field("substance_name", .string)
            .field("result", .string, .required)
            .field("note", .string)
            .create()

        try await database.schema(MedicationDoseModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("study_id", .uuid, .required, .references(StudyModel.schema, "id"))
            .field("screening_id", .uuid, .required, .references(StudyScreeningModel.schema, "id", onDelete: .cascade))
            .field("recorded_by_id", .uuid, .references(UserModel.schema, "id", onDelete: .setNull))
            .field("medicine", .string, .required)
            .field("medicine_name", .string)
            .field("dose", .double, .required)
            .field("unit", .string, .required)
            .field("from_date", .string, .required)
            .field("to_date", .string)
            .create()

        try await database.schema(ReimbursementModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("study_id", .uuid, .required, .references(StudyModel.schema, "id"))
            .field("screening_id", .uuid, .required, .references(StudyScreeningModel.schema, "id", onDelete: .cascade))
            .field("recorded_by_id", .uuid, .references(UserModel.schema, "id", onDelete: .setNull))
            .field("date", .string, .required)
            .field("amount_minor", .int, .required)
            .field("currency", .string, .required)
            .field("purpose", .string, .required)
            .field("given_by", .string, .required)
            .create()

        // Records are read per person (their record, their timeline) and tests per study (abstinence).
        let sql = database as! any SQLDatabase
        for table in [BiochemicalTestModel.schema, MedicationDoseModel.schema, ReimbursementModel.schema] {
            try await sql.create(index: "\(table)_screening_idx").on(table).column("screening_id").run()
        }
        try await sql.create(index: "\(BiochemicalTestModel.schema)_study_idx").on(BiochemicalTestModel.schema).column("study_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ReimbursementModel.schema).delete()
        try await database.schema(MedicationDoseModel.schema).delete()
        try await database.schema(BiochemicalTestModel.schema).delete()
    }
}

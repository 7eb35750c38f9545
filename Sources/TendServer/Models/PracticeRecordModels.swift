import Fluent
import SQLKit
import Foundation
import TendCore

/// A participant's own practice, diary, medicines and thought records. Every row belongs to one
/// participant account (`user_id`), and every lookup filters by the signed-in account, so an id changed
/// in a URL finds nothing. Dates are the participant's local dates, stored as `YYYY-MM-DD`.

/// One practice the participant logged.
final class PracticeEntryModel: Model, @unchecked Sendable {
    static let schema = "practice_entries"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "date") var date: String
    /// A programme exercise id, or nil for a practice of their own.
    @OptionalField(key: "exercise_id") var exerciseID: String?
    @Field(key: "minutes") var minutes: Int
    @OptionalField(key: "feeling") var feeling: Int?
    @OptionalField(key: "note") var note: String?

    init() {}

    init(userID: UUID, entry: PracticeEntry) {
        $user.id = userID
        update(from: entry)
    }

    func update(from entry: PracticeEntry) {
        date = entry.date.description
        exerciseID = entry.exerciseID
        minutes = entry.minutes
        feeling = entry.feeling
        note = entry.note
    }

    /// The entry as TendCore reads it; nil if the stored date no longer parses.
    var entry: PracticeEntry? {
        LocalDate(date).map { PracticeEntry(date: $0, exerciseID: exerciseID, minutes: minutes, feeling: feeling, note: note) }
    }

    /// Stores a new entry in one INSERT written directly, the same row ``create(on:)`` writes (values
    /// bound with the driver's own encoder), without the model's per-call reflection: logging practice is
    /// the most frequent write a participant makes.
    static func insert(userID: UUID, entry: PracticeEntry, now: Date, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else {
            let row = PracticeEntryModel(userID: userID, entry: entry)
            try await row.create(on: database)
            return
        }
        try await sql.insert(into: schema)
            .columns("id", "created_at", "user_id", "date", "exercise_id", "minutes", "feeling", "note")
            .values(SQLBind(UUID()), SQLBind(now), SQLBind(userID), SQLBind(entry.date.description), SQLBind(entry.exerciseID),
                    SQLBind(entry.minutes), SQLBind(entry.feeling), SQLBind(entry.note))
            .run()
    }
}

/// A medicine on the participant's own list. A removed medicine keeps its row (with `removed_at` set)
/// so the doses already recorded stay in the diary and its trends.
final class MedicineModel: Model, @unchecked Sendable {
    static let schema = "medicines"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "name") var name: String
    @Field(key: "unit") var unit: String
    @OptionalField(key: "removed_at") var removedAt: Date?

    init() {}

    init(userID: UUID, name: String, unit: String) {
        $user.id = userID
        self.name = name
        self.unit = unit
    }

    var medicine: Medicine { Medicine(id: id?.uuidString.lowercased() ?? "", name: name, unit: unit) }
}

/// One day of the pain diary: one row per participant and date.
final class DiaryEntryModel: Model, @unchecked Sendable {
    static let schema = "diary_entries"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "date") var date: String
    @OptionalField(key: "pain") var pain: Int?
    @OptionalField(key: "mood") var mood: Int?
    @OptionalField(key: "craving") var craving: Int?
    @OptionalField(key: "note") var note: String?
    @OptionalField(key: "critical_thought") var criticalThought: String?
    /// Whether the participant ticked "add to my thought collection".
    @Field(key: "in_collection") var inCollection: Bool
    /// How many times the day has been saved: 1 when created, then counted up in the database itself
    /// (`saves = saves + 1` in ``DiaryController/store``), so two saves at once both count.
    @Field(key: "saves") var saves: Int
    @Children(for: \.$entry) var doses: [DiaryDoseModel]

    init() {}

    /// The day as TendCore reads it (doses must have been loaded or passed).
    func entry(doses: [DoseTaken]) -> DiaryEntry? {
        LocalDate(date).map {
            DiaryEntry(date: $0, pain: pain, mood: mood, craving: craving, doses: doses, note: note, criticalThought: criticalThought)
        }
    }
}

/// Doses of one medicine on one diary day.
final class DiaryDoseModel: Model, @unchecked Sendable {
    static let schema = "diary_doses"

    @ID(key: .id) var id: UUID?
    @Parent(key: "diary_entry_id") var entry: DiaryEntryModel
    @Parent(key: "medicine_id") var medicine: MedicineModel
    @Field(key: "doses") var doses: Int

    init() {}

    init(entryID: UUID, medicineID: UUID, doses: Int) {
        $entry.id = entryID
        $medicine.id = medicineID
        self.doses = doses
    }
}

/// One use of the self-critical thought tool.
final class ThoughtRecordModel: Model, @unchecked Sendable {
    static let schema = "thought_records"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "date") var date: String
    @Field(key: "thought") var thought: String
    @OptionalField(key: "situation") var situation: String?
    @OptionalField(key: "critic_fears") var criticFears: String?
    @OptionalField(key: "wise_response") var wiseResponse: String?
    @OptionalField(key: "strong_response") var strongResponse: String?
    @OptionalField(key: "caring_response") var caringResponse: String?
    @OptionalField(key: "distress_before") var distressBefore: Int?
    @OptionalField(key: "distress_after") var distressAfter: Int?

    init() {}

    init(userID: UUID, record: ThoughtRecord) {
        $user.id = userID
        date = record.date.description
        thought = record.thought
        situation = record.situation
        criticFears = record.criticFears
        wiseResponse = record.wiseResponse
        strongResponse = record.strongResponse
        caringResponse = record.caringResponse
        distressBefore = record.distressBefore
        distressAfter = record.distressAfter
    }

    var record: ThoughtRecord? {
        LocalDate(date).map {
            ThoughtRecord(date: $0, thought: thought, situation: situation, criticFears: criticFears, wiseResponse: wiseResponse,
                          strongResponse: strongResponse, caringResponse: caringResponse, distressBefore: distressBefore,
                          distressAfter: distressAfter)
        }
    }
}

import Fluent
import Foundation
import TendCore

/// The kinds of record staff keep on a study participant's record, and the path segment of each.
enum StaffRecordKind: String, Sendable, CaseIterable {
    case tests
    case medications
    case reimbursements

    var label: String {
        switch self {
        case .tests: return "biochemical test result"
        case .medications: return "medication and dose"
        case .reimbursements: return "reimbursement"
        }
    }
}

/// One substance's result on one urine or saliva test, recorded by staff. A visit with several
/// substances is several rows with the same date and specimen.
final class BiochemicalTestModel: Model, @unchecked Sendable {
    static let schema = "staff_biochemical_tests"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Parent(key: "study_id") var study: StudyModel
    @Parent(key: "screening_id") var screening: StudyScreeningModel
    @OptionalParent(key: "recorded_by_id") var recordedBy: UserModel?
    /// `YYYY-MM-DD`, the day the sample was taken.
    @Field(key: "date") var date: String
    @Field(key: "specimen") var specimen: Specimen
    @Field(key: "substance") var substance: TestSubstance
    /// The substance's name when `substance` is `other`.
    @OptionalField(key: "substance_name") var substanceName: String?
    @Field(key: "result") var result: BiochemicalResult
    @OptionalField(key: "note") var note: String?

    init() {}

    /// "Opioids", or the name typed for another substance.
    var substanceLabel: String { substance == .other ? (substanceName ?? "Other") : substance.label }
}

/// A prescribed medicine and its dose from a date (to a date, once it changed or stopped).
final class MedicationDoseModel: Model, @unchecked Sendable {
    static let schema = "staff_medication_doses"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Parent(key: "study_id") var study: StudyModel
    @Parent(key: "screening_id") var screening: StudyScreeningModel
    @OptionalParent(key: "recorded_by_id") var recordedBy: UserModel?
    @Field(key: "medicine") var medicine: TreatmentMedicine
    @OptionalField(key: "medicine_name") var medicineName: String?
    @Field(key: "dose") var dose: Double
    @Field(key: "unit") var unit: DoseUnit
    @Field(key: "from_date") var fromDate: String
    @OptionalField(key: "to_date") var toDate: String?

    init() {}

    var medicineLabel: String { medicine == .other ? (medicineName ?? "Other") : medicine.label }
}

/// Money or a voucher given to a participant for taking part (a visit, a questionnaire, travel).
final class ReimbursementModel: Model, @unchecked Sendable {
    static let schema = "staff_reimbursements"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Parent(key: "study_id") var study: StudyModel
    @Parent(key: "screening_id") var screening: StudyScreeningModel
    @OptionalParent(key: "recorded_by_id") var recordedBy: UserModel?
    @Field(key: "date") var date: String
    /// In minor units (pence, cents).
    @Field(key: "amount_minor") var amountMinor: Int
    /// ISO 4217 code, e.g. GBP.
    @Field(key: "currency") var currency: String
    /// What it was for, e.g. "baseline visit".
    @Field(key: "purpose") var purpose: String
    /// Who handed it over (a role or a name of staff, as the study records it).
    @Field(key: "given_by") var givenBy: String

    init() {}

    var amount: MoneyAmount { MoneyAmount(minorUnits: amountMinor, currency: currency) }
}

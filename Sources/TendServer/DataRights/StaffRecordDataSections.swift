import Fluent
import Foundation
import TendCore

/// The records study staff keep about the participant (drug tests, medication and dose, reimbursements),
/// found through the participant's place in each study's screening log.
enum StaffRecordDataSections {
    /// The participant's screening-log rows (one per study they joined) and each row's study title.
    static func screenings(of user: UUID, on database: any Database) async throws -> [UUID: String] {
        let rows = try await StudyScreeningModel.query(on: database).filter(\.$user.$id == user).with(\.$study).all()
        return Dictionary(rows.compactMap { row in row.id.map { ($0, row.study.definition?.publicTitle ?? row.study.title) } },
                          uniquingKeysWith: { first, _ in first })
    }
}

enum BiochemicalTestsDataSection: ParticipantDataSection {
    static let name = "study_drug_tests"
    static let summary = "Urine and saliva drug test results the study team recorded for you: date, sample, substance, result and any note."

    static func rows(for user: UUID, on database: any Database) async throws -> [ExportRecord] {
        let studies = try await StaffRecordDataSections.screenings(of: user, on: database)
        guard !studies.isEmpty else { return [] }
        return try await BiochemicalTestModel.query(on: database).filter(\.$screening.$id ~~ Array(studies.keys))
            .sort(\.$date).all().flatMap { test -> [ExportRecord] in
                let item = "\(studies[test.$screening.id] ?? ""): \(test.date) \(test.substanceLabel)"
                var fields = [("date", test.date), ("specimen", test.specimen.rawValue), ("substance", test.substanceLabel),
                              ("result", test.result.rawValue)]
                if let note = test.note { fields.append(("note", note)) }
                return fields.map { ExportRecord(section: name, item: item, field: $0.0, value: $0.1, recordedAt: test.updatedAt ?? test.createdAt) }
            }
    }

    static func erase(for user: UUID, on database: any Database) async throws {
        let studies = try await StaffRecordDataSections.screenings(of: user, on: database)
        guard !studies.isEmpty else { return }
        try await BiochemicalTestModel.query(on: database).filter(\.$screening.$id ~~ Array(studies.keys)).delete()
    }
}

enum MedicationDosesDataSection: ParticipantDataSection {
    static let name = "study_medication_doses"
    static let summary = "The medicines and doses the study team recorded for you, with the dates they applied."

    static func rows(for user: UUID, on database: any Database) async throws -> [ExportRecord] {
        let studies = try await StaffRecordDataSections.screenings(of: user, on: database)
        guard !studies.isEmpty else { return [] }
        return try await MedicationDoseModel.query(on: database).filter(\.$screening.$id ~~ Array(studies.keys))
            .sort(\.$fromDate).all().flatMap { dose -> [ExportRecord] in
                let item = "\(studies[dose.$screening.id] ?? ""): \(dose.medicineLabel) from \(dose.fromDate)"
                var fields = [("medicine", dose.medicineLabel), ("dose_mg", DoseRanges.number(dose.dose)), ("unit", dose.unit.rawValue),
                              ("from", dose.fromDate)]
                if let to = dose.toDate { fields.append(("to", to)) }
                return fields.map { ExportRecord(section: name, item: item, field: $0.0, value: $0.1, recordedAt: dose.updatedAt ?? dose.createdAt) }
            }
    }

    static func erase(for user: UUID, on database: any Database) async throws {
        let studies = try await StaffRecordDataSections.screenings(of: user, on: database)
        guard !studies.isEmpty else { return }
        try await MedicationDoseModel.query(on: database).filter(\.$screening.$id ~~ Array(studies.keys)).delete()
    }
}

enum ReimbursementsDataSection: ParticipantDataSection {
    static let name = "study_reimbursements"
    static let summary = "Reimbursements and vouchers the study team gave you: date, amount, what for and who gave it."

    static func rows(for user: UUID, on database: any Database) async throws -> [ExportRecord] {
        let studies = try await StaffRecordDataSections.screenings(of: user, on: database)
        guard !studies.isEmpty else { return [] }
        return try await ReimbursementModel.query(on: database).filter(\.$screening.$id ~~ Array(studies.keys))
            .sort(\.$date).all().flatMap { payment -> [ExportRecord] in
                let item = "\(studies[payment.$screening.id] ?? ""): \(payment.date) \(payment.purpose)"
                return [("date", payment.date), ("amount", payment.amount.formValue), ("currency", payment.currency),
                        ("for", payment.purpose), ("given_by", payment.givenBy)]
                    .map { ExportRecord(section: name, item: item, field: $0.0, value: $0.1, recordedAt: payment.updatedAt ?? payment.createdAt) }
            }
    }

    static func erase(for user: UUID, on database: any Database) async throws {
        let studies = try await StaffRecordDataSections.screenings(of: user, on: database)
        guard !studies.isEmpty else { return }
        try await ReimbursementModel.query(on: database).filter(\.$screening.$id ~~ Array(studies.keys)).delete()
    }
}

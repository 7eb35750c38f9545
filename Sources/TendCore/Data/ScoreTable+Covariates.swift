extension ScoreTable {
    /// Adds participant-level variables from a second CSV (`participant` plus one column per variable,
    /// e.g. age, sex, medication) for the baseline table.
    ///
    /// A row for a participant without scores, a second row for the same participant, and a variable
    /// that the scores file already has are reported as issues (with the covariate file's row number)
    /// and skipped; everything else is added.
    public mutating func addCovariates(_ document: CSVDocument, file: String) throws(CovariateFileError) {
        guard let pColumn = document.columnIndex("participant") else {
            throw .noParticipantColumn(file: file, found: document.header)
        }
        var index: [String: Int] = [:]
        for (i, p) in participants.enumerated() { index[p] = i }
        var added: [(column: Int, slot: Int)] = []
        for (c, name) in document.header.enumerated() where c != pColumn && !name.isEmpty {
            if covariateNames.contains(where: { $0.lowercased() == name.lowercased() }) ||
                ["arm", "timepoint", "measure", "score"].contains(name.lowercased()) {
                issues.append(ScoreTableIssue(row: 1, column: name, value: nil,
                    message: "\(file): the variable \(name) is already in the scores file; the covariate file's column is ignored"))
                continue
            }
            covariateNames.append(name)
            covariates.append([String?](repeating: nil, count: participants.count))
            added.append((c, covariates.count - 1))
        }
        var seen: [String: Int] = [:]
        for row in document.rows {
            guard pColumn < row.fields.count else { continue }
            let id = row.fields[pColumn].trimmingWhitespace()
            guard let p = index[id] else {
                issues.append(ScoreTableIssue(row: row.number, column: "participant", value: id,
                    message: "\(file): no scores for this participant; the row is ignored"))
                continue
            }
            if let first = seen[id] {
                issues.append(ScoreTableIssue(row: row.number, column: "participant", value: id,
                    message: "\(file): a second row for this participant (first at row \(first)); the first is kept"))
                continue
            }
            seen[id] = row.number
            for (column, slot) in added where column < row.fields.count {
                let value = row.fields[column].trimmingWhitespace()
                if !value.isEmpty && value != "NA" { covariates[slot][p] = value }
            }
        }
    }
}

/// A covariate file that cannot be used at all.
public enum CovariateFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case noParticipantColumn(file: String, found: [String])

    public var description: String {
        switch self {
        case .noParticipantColumn(let file, let found):
            return "\(file): no participant column; the header has \(found.joined(separator: ", ")). Expected participant and one column per variable"
        }
    }
}

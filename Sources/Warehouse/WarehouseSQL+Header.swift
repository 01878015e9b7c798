/// The comment block at the top of the script: what it computes, for which engine and date,
/// and what it expects of the tables.
extension WarehouseSQL {
    func header() -> String {
        var lines = [
            "casefinder: the case list for criteria set \(criteria.id) (\(criteria.title)),",
            "rendered for \(dialect.rawValue) by `casefind sql`. Source of the criteria: \(criteria.source).",
            "",
            "As-of date: \(asOf.map(\.description) ?? "CURRENT_DATE when the query runs").",
            "Reads tables patients, practices, admissions (with \(diagnosisColumnNames.first!) ... \(diagnosisColumnNames.last!)), prescriptions,",
            "residence and nominations, with the columns of the extracts contract, every column as text.",
            "Rows that casefind would reject (invalid NHS numbers, unreadable or missing required dates,",
            "missing required fields, duplicate spine or practice rows, malformed BNF codes) must be removed first.",
            "Returns the cases.csv columns nhs_number ... risk_band, one row per case-found patient.",
            "",
        ]
        if let risk, let v = risk.validatedMinAge {
            lines.append("Risk: \(risk.id) was validated at \(v) and over; below \(v) it is a ranking aid only.")
            lines.append("")
        }
        return lines.map { $0.isEmpty ? "--\n" : comment($0) + "\n" }.joined()
    }
}

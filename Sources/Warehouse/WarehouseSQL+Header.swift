import Ingest

/// The comment block at the top of the script: what it computes, for which engine and date,
/// and what it expects of the tables.
extension WarehouseSQL {
    func header(_ part: Part = .cases) -> String {
        let first = diagnosisColumnNames.first ?? "diag_01", last = diagnosisColumnNames.last ?? "diag_01"
        var lines = [
            "casefinder: the \(part.title) for criteria set \(criteria.id) (\(criteria.title)),",
            "rendered for \(dialect.rawValue) by `casefind sql`. Source of the criteria: \(criteria.source).",
            "",
            "As-of date: \(asOf.map(\.description) ?? "CURRENT_DATE when the query runs").",
            "Reads tables patients, practices, admissions (with \(first) ... \(last)), prescriptions,",
            "residence and nominations, with the columns of the extracts contract, as text"
                + (lineColumn.map { ", and \($0) in each (the row's line)." } ?? "."),
            optOuts.excludesAny || part == .rejects
                ? "And opt_outs (nhs_number, type, recorded_date): policy \(optOuts); an excluded patient's rows play no part and are not listed."
                : "Opt-out policy none: no patient is excluded.",
            "Each row is checked as casefind checks it: a row casefind would reject (an invalid NHS number, an",
            "unreadable, sentinel or missing required date, a missing required field, a duplicate spine or",
            "practice row, a malformed BNF code) plays no part. Rows with the wrong number of fields are the loader's.",
            part.returns,
            "",
        ]
        if mapping.name != ColumnMapping.contract.name || !tables.isEmpty {
            let named = tables.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) = \($0.value)" }
            lines.insert(
                "Through the column mapping \(mapping.name): its column names, date formats and missing values"
                    + (named.isEmpty ? "." : "; tables \(named.joined(separator: ", "))."),
                at: (lines.firstIndex { $0.hasPrefix("residence and nominations") } ?? 5) + 1)
        }
        if appliesClearedList, let at = lines.firstIndex(where: { $0.hasPrefix("And opt_outs") }) {
            lines.insert(
                "And \(ndooCleared ?? "") (nhs_number), the national data opt-out's cleared list: a spine patient it lacks is excluded.",
                at: at + 1)
        }
        if part == .cases, let risk, let v = risk.validatedMinAge {
            lines.append("Risk: \(risk.id) was validated at \(v) and over; below \(v) it is a ranking aid only.")
            lines.append("")
        }
        return lines.map { $0.isEmpty ? "--\n" : comment($0) + "\n" }.joined()
    }
}

extension WarehouseSQL.Part {
    /// What the script is, in its first line.
    var title: String {
        switch self {
        case .cases: "case list"
        case .attrition: "attrition"
        case .rejects: "rejects"
        }
    }

    /// What the query returns, in the header.
    var returns: String {
        switch self {
        case .cases: "Returns the cases.csv columns nhs_number ... risk_band, one row per case-found patient."
        case .attrition: "Returns attrition.csv's steps, registered ... any_criterion, as step and patients, in order."
        case .rejects: "Returns one row per rejected row and per field warning, in casefind's words (as rejects.csv)."
        }
    }
}

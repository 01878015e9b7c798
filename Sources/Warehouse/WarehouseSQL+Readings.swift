/// The readings: the tables' rows as the engine reads them (NHS numbers, dates, codes), one
/// step per table the criteria always need. Residence and nominations are read by the criteria
/// that use them (`Kinds/`); the diagnosis codes by `+AdmissionCodes`.
extension WarehouseSQL {
    /// A table's columns as the engine reads fields: text, trimmed of spaces and tabs, empty as
    /// NULL. The readings below apply to these trimmed columns.
    func fields(_ table: String, _ columns: [String]) -> String {
        "(SELECT " + columns.map { "\(dialect.field($0)) AS \($0)" }.joined(separator: ",\n             ") + "\n      FROM \(table)) f"
    }

    /// An NHS number without spaces or hyphens.
    func nhs(_ column: String) -> String { "replace(replace(\(column), ' ', ''), '-', '')" }

    /// A required date (the rows the engine accepts have one that reads).
    func requiredDate(_ column: String) -> String { "CAST(\(column) AS DATE)" }

    /// An optional date: before the sentinel cut-off it reads as missing.
    func optionalDate(_ column: String) -> String {
        "CASE WHEN CAST(\(column) AS DATE) < DATE '\(criteria.missingBefore)' THEN NULL ELSE CAST(\(column) AS DATE) END"
    }

    /// A HES code: upper case; longer than four bytes reads as blank.
    func hes(_ column: String) -> String {
        "CASE WHEN \(dialect.byteLength(column)) > 4 THEN NULL ELSE \(upperASCII(column)) END"
    }

    /// The spine, the practices and the consultant episodes.
    func readingCTEs() -> [CTE] {
        let diagColumns = diagnosisColumnNames
        return [
            CTE(
                "patient_rows", "The spine: NHS numbers without spaces or hyphens, practice codes upper case.",
                body: """
                    SELECT \(nhs("nhs_number")) AS nhs,
                           \(requiredDate("date_of_birth")) AS dob,
                           upper(gp_practice) AS practice,
                           \(optionalDate("date_of_death")) AS dod
                    FROM \(fields("patients", ["nhs_number", "date_of_birth", "gp_practice", "date_of_death"]))
                    """),
            CTE(
                "practice_rows",
                body: """
                    SELECT upper(practice_code) AS practice, pct, locality
                    FROM \(fields("practices", ["practice_code", "pct", "locality"]))
                    """),
            CTE(
                "episode_rows",
                "Consultant episodes. HES codes upper case, longer than 4 characters read as blank.",
                "A discharge date before \(criteria.missingBefore) is a sentinel and reads as missing.",
                body: """
                    SELECT \(nhs("nhs_number")) AS nhs,
                           spell_id,
                           \(requiredDate("admission_date")) AS adm,
                           \(optionalDate("discharge_date")) AS dis,
                           \(hes("admission_method")) AS method,
                           \(hes("patient_classification")) AS classpat,
                           \(hes("admission_source")) AS source,
                           \(hes("discharge_destination")) AS dest,
                           \(hes("discharge_method")) AS dismeth,
                           \(diagColumns.joined(separator: ", "))
                    FROM \(fields("admissions", ["nhs_number", "spell_id", "admission_date", "discharge_date", "admission_method", "patient_classification", "admission_source", "discharge_destination", "discharge_method"] + diagColumns))
                    """),
        ]
    }

    /// Items issued, always read: cases.csv reports distinct_drugs whatever the criteria.
    func prescriptionCTE() -> CTE {
        CTE(
            "prescription_rows", "Items issued: the chemical substance is characters 1-9 of the BNF code, the chapter 1-2.",
            body: """
                SELECT \(nhs("nhs_number")) AS nhs,
                       \(requiredDate("issue_date")) AS issued,
                       \(upperASCII("substr(bnf_code, 1, 9)")) AS substance
                FROM \(fields("prescriptions", ["nhs_number", "issue_date", "bnf_code"]))
                """)
    }
}

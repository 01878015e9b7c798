/// The readings: the tables' rows as the engine reads them (NHS numbers, dates, codes), one
/// step per table the criteria always need. Residence and nominations are read by the criteria
/// that use them (`Kinds/`); the diagnosis codes by `+AdmissionCodes`.
extension WarehouseSQL {
    /// The NHS number of a checked row: without spaces or hyphens.
    var nhs: String { "nhs_digits" }

    /// A required date of a row that is read (so a real date).
    func requiredDate(_ column: String) -> String { day(column) }

    /// An optional date: blank, or before the sentinel cut-off, reads as missing.
    func optionalDate(_ column: String) -> String {
        "CASE WHEN \(day(column)) >= DATE '\(criteria.missingBefore)' THEN \(day(column)) END"
    }

    /// A HES code: upper case; longer than four bytes reads as blank.
    func hes(_ column: String) -> String {
        "CASE WHEN \(dialect.byteLength(column)) > 4 THEN NULL ELSE \(upperASCII(column)) END"
    }

    /// The spine, the practices and the consultant episodes, of the rows the engine reads.
    func readingCTEs() -> [CTE] {
        let diagColumns = diagnosisColumnNames
        return [
            CTE(
                "patient_rows", "The spine: NHS numbers without spaces or hyphens, practice codes upper case.",
                body: """
                    SELECT \(nhs) AS nhs,
                           \(requiredDate("date_of_birth")) AS dob,
                           upper(gp_practice) AS practice,
                           \(optionalDate("date_of_death")) AS dod
                    FROM \(accepted("patients"))
                    """),
            CTE(
                "practice_rows",
                body: """
                    SELECT upper(practice_code) AS practice, pct, locality
                    FROM \(accepted("practices"))
                    """),
            CTE(
                "episode_rows",
                "Consultant episodes. HES codes upper case, longer than 4 characters read as blank.",
                "A discharge date before \(criteria.missingBefore) is a sentinel and reads as missing.",
                body: """
                    SELECT \(nhs) AS nhs,
                           spell_id,
                           \(requiredDate("admission_date")) AS adm,
                           \(optionalDate("discharge_date")) AS dis,
                           \(hes("admission_method")) AS method,
                           \(hes("patient_classification")) AS classpat,
                           \(hes("admission_source")) AS source,
                           \(hes("discharge_destination")) AS dest,
                           \(hes("discharge_method")) AS dismeth,
                           \(diagColumns.joined(separator: ", "))
                    FROM \(accepted("admissions"))
                    """),
        ]
    }

    /// Items issued, always read: cases.csv reports distinct_drugs whatever the criteria.
    func prescriptionCTE() -> CTE {
        CTE(
            "prescription_rows", "Items issued: the chemical substance is characters 1-9 of the BNF code, the chapter 1-2.",
            body: """
                SELECT \(nhs) AS nhs,
                       \(requiredDate("issue_date")) AS issued,
                       \(upperASCII("substr(bnf_code, 1, 9)")) AS substance
                FROM \(accepted("prescriptions"))
                """)
    }
}

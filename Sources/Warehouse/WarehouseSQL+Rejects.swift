/// `--part rejects`: one row per row the engine would reject and per field warning of a row
/// it reads, as rejects.csv has them: table_name, line_number (NULL without `--line-column`),
/// nhs_number (as given, trimmed), row_key (the table's natural key, its fields joined by `|`,
/// to find the row by), severity (`reject` or `warning`), reason, field, value.
///
/// Each checked table is read once: its rows are paired with the numbers 0 (the reject) to N
/// (its N warnings), and a pair is kept when that reject or warning applies. A diagnosis list
/// column's warnings, one per code, are read from the rows of its codes.
extension WarehouseSQL {
    func rejectsSelect() -> String {
        var parts: [String] = []
        let checks = tableChecks()
        for check in checks {
            let person = check.hasPerson ? "c.nhs_number" : "CAST(NULL AS \(dialect.text))"
            let key = rowKeyExpression(check)
            let warnings = check.warnings.enumerated().map { (n: $0.offset + 1, rule: $0.element) }
            func pick(_ reject: String, _ warning: (RowRule) -> String) -> String {
                "CASE w.n WHEN 0 THEN \(reject)" + warnings.map { " WHEN \($0.n) THEN \(warning($0.rule))" }.joined() + " END"
            }
            let numbers = (0...warnings.count).map { "(\($0))" }.joined(separator: ", ")
            parts.append(
                """
                SELECT \(lit(check.table)) AS table_name, c.line_number, \(person) AS nhs_number, \(key) AS row_key,
                       CASE WHEN w.n = 0 THEN 'reject' ELSE 'warning' END AS severity,
                       \(pick("c.reject_reason", \.reason)) AS reason,
                       \(pick("c.reject_field", \.field)) AS field,
                       \(pick("c.reject_value", \.value)) AS value
                FROM checked_\(check.table) c CROSS JOIN (VALUES \(numbers)) AS w(n)
                WHERE CASE w.n WHEN 0 THEN c.reject_reason IS NOT NULL\(warnings.map { " WHEN \($0.n) THEN c.reject_reason IS NULL AND (\($0.rule.condition))" }.joined()) END
                """)
        }
        if let list = diagnosisList, let admissions = checks.first(where: { $0.table == "admissions" }) {
            // One warning per code of the list that is not an ICD-10 code, named by the list column.
            let key = rowKeyExpression(admissions)
            parts.append(
                """
                SELECT 'admissions' AS table_name, x.line_number, x.nhs_number, x.row_key, 'warning' AS severity,
                       \(lit("not an ICD-10 code: ignored")) AS reason, \(lit(list)) AS field, x.code AS value
                FROM (SELECT c.line_number, c.nhs_number, \(key) AS row_key, \(diagnosisCodes("c.\(Self.diagnosisListAlias)", as: "code"))
                      FROM checked_admissions c
                      WHERE c.reject_reason IS NULL) x
                WHERE x.code <> '' AND \(isNotICD10("x.code"))
                """)
        }
        let lineOrder = lineColumn == nil ? "" : "CAST(line_number AS BIGINT), "
        return "SELECT * FROM (\n" + parts.joined(separator: "\nUNION ALL\n")
            + "\n) r\nORDER BY table_name, \(lineOrder)row_key, severity, field;\n"
    }

    /// A checked row `c`'s natural key: its fields joined by `|`.
    private func rowKeyExpression(_ check: TableCheck) -> String {
        "concat_ws('|', " + check.rowKey.map { "coalesce(c.\($0), '')" }.joined(separator: ", ") + ")"
    }
}

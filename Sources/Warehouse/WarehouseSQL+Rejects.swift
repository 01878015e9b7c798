/// `--part rejects`: one row per row the engine would reject and per field warning of a row
/// it reads, as rejects.csv has them: table_name, line_number (NULL without `--line-column`),
/// nhs_number (as given, trimmed), row_key (the table's natural key, its fields joined by `|`,
/// to find the row by), severity (`reject` or `warning`), reason, field, value.
///
/// Each checked table is read once: its rows are paired with the numbers 0 (the reject) to N
/// (its N warnings), and a pair is kept when that reject or warning applies.
extension WarehouseSQL {
    func rejectsSelect() -> String {
        var parts: [String] = []
        for check in tableChecks() {
            let person = check.hasPerson ? "c.nhs_number" : "CAST(NULL AS \(dialect.text))"
            let key = "concat_ws('|', " + check.rowKey.map { "coalesce(c.\($0), '')" }.joined(separator: ", ") + ")"
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
        let lineOrder = lineColumn == nil ? "" : "CAST(line_number AS BIGINT), "
        return "SELECT * FROM (\n" + parts.joined(separator: "\nUNION ALL\n")
            + "\n) r\nORDER BY table_name, \(lineOrder)row_key, severity, field;\n"
    }
}

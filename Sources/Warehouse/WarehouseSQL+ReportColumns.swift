/// The cases.csv columns that are counts or lists rather than criteria met: admissions,
/// distinct_drugs (whatever the criteria) and frailty_codes (when a criterion reports codes).
extension WarehouseSQL {
    /// admissions_in_window, drugs_in_window and, when `codeSteps` is not empty, matched_codes
    /// (the codes of those criteria's steps).
    func reportColumnCTEs(codeSteps: [String]) -> [CTE] {
        let admissionsWindow = criteria.admissionsReportWindow
        let (drugWindow, drugChapters) = criteria.drugsReportWindow
        var ctes = [
            CTE(
                "admissions_in_window", "cases.csv admissions: continuous stays dated in the last \(admissionsWindow).",
                body: "SELECT nhs, count(*) AS n FROM stays WHERE \(inWindow("stay_date", admissionsWindow)) GROUP BY nhs"),
            CTE(
                "drugs_in_window",
                "cases.csv distinct_drugs: distinct substances from chapters \(drugChapters.lowerBound)-\(drugChapters.upperBound) issued in the last \(drugWindow).",
                body: """
                    SELECT nhs, count(DISTINCT substance) AS n FROM prescription_rows
                    WHERE \(inWindow("issued", drugWindow)) AND \(chapterTest("substance", drugChapters))
                    GROUP BY nhs
                    """),
        ]
        if !codeSteps.isEmpty {
            ctes.append(
                CTE(
                    "matched_codes", "cases.csv frailty_codes: the codes of the diagnosis criteria met, sorted, joined with ';'.",
                    body: """
                        SELECT nhs, \(dialect.sortedJoin("code")) AS codes
                        FROM (\(codeSteps.map { "SELECT nhs, code FROM \($0)" }.joined(separator: " UNION "))) m
                        GROUP BY nhs
                        """))
        }
        return ctes
    }
}

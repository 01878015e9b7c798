import Rules

/// `kind: admissions`: at least `minCount` continuous stays dated in the window.
struct AdmissionsSQL: CriterionSQL {
    var window: Window
    var minCount: Int

    func ctes(named name: String, in sql: WarehouseSQL) -> [CTE] {
        [
            CTE(
                name, "\(minCount) or more admissions (continuous stays) dated in the last \(window).",
                body: """
                    SELECT nhs FROM stays
                    WHERE \(sql.inWindow("stay_date", window))
                    GROUP BY nhs
                    HAVING count(*) >= \(minCount)
                    """)
        ]
    }
}

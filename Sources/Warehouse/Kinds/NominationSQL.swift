/// `kind: nomination`: a clinician's nomination dated on or before the as-of date. Sets nominated.
struct NominationSQL: CriterionSQL {
    var flag: CaseFlag? { .nominated }

    func ctes(named name: String, in sql: WarehouseSQL) -> [CTE] {
        [
            CTE(
                name, "A nomination dated on or before the as-of date.",
                body: """
                    SELECT DISTINCT \(sql.nhs) AS nhs
                    FROM \(sql.accepted("nominations"))
                    WHERE \(sql.requiredDate("nominated_on")) <= \(sql.asOfSQL)
                    """)
        ]
    }
}

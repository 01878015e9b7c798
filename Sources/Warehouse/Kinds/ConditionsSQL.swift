import Rules

/// `kind: conditions`: codes of at least `minGroups` distinct conditions (each a group of code
/// patterns) on admissions dated in the window.
struct ConditionsSQL: CriterionSQL {
    var window: Window
    var minGroups: Int
    var groups: [CodeGroup]

    var readsAdmissionCodes: Bool { true }

    func ctes(named name: String, in sql: WarehouseSQL) -> [CTE] {
        let rows = groups.flatMap { g in g.patterns.map { sql.codeRow($0, minAge: 0, label: g.name) } }
        return [
            CTE(name + "_codes", "The conditions and their codes:", body: sql.codeTable(rows)),
            CTE(
                name, "\(minGroups) or more distinct conditions in admissions dated in the last \(window).",
                body: """
                    SELECT a.nhs
                    FROM admission_codes a
                    JOIN \(name)_codes r ON \(sql.codeMatches("a.code", "r"))
                    WHERE \(sql.inWindow("a.adm", window))
                    GROUP BY a.nhs
                    HAVING count(DISTINCT r.label) >= \(minGroups)
                    """),
        ]
    }
}

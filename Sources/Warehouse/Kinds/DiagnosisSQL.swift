import Rules

/// `kind: diagnosis`: an admission in the window carries one of the codes (each with its own
/// minimum age) in any diagnosis position. The codes met are reported in frailty_codes.
struct DiagnosisSQL: CriterionSQL {
    var window: Window
    var codes: [CodeRule]

    var readsAdmissionCodes: Bool { true }
    var reportsCodes: Bool { true }

    func ctes(named name: String, in sql: WarehouseSQL) -> [CTE] {
        [
            CTE(
                name + "_codes", "Codes (prefix match on the normalised code; a range compares its first characters):",
                body: sql.codeTable(codes.map { sql.codeRow($0.pattern, minAge: $0.minAge ?? 0, label: $0.label) })),
            CTE(
                name, "An admission in the last \(window) carries one of the codes in any diagnosis position.",
                body: """
                    SELECT DISTINCT a.nhs, a.code
                    FROM admission_codes a
                    JOIN population p ON p.nhs = a.nhs
                    JOIN \(name)_codes r
                      ON \(sql.codeMatches("a.code", "r")) AND p.age >= r.min_age
                    WHERE \(sql.inWindow("a.adm", window))
                    """),
        ]
    }
}

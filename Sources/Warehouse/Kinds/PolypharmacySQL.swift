import Rules

/// `kind: polypharmacy`: at least `minDistinct` distinct substances from the BNF chapters
/// issued in the window.
struct PolypharmacySQL: CriterionSQL {
    var window: Window
    var minDistinct: Int
    var chapters: ClosedRange<Int>

    func ctes(named name: String, in sql: WarehouseSQL) -> [CTE] {
        [
            CTE(
                name,
                "\(minDistinct) or more distinct substances from BNF chapters \(chapters.lowerBound)-\(chapters.upperBound) issued in the last \(window).",
                body: """
                    SELECT nhs FROM prescription_rows
                    WHERE \(sql.inWindow("issued", window)) AND \(sql.chapterTest("substance", chapters))
                    GROUP BY nhs
                    HAVING count(DISTINCT substance) >= \(minDistinct)
                    """)
        ]
    }
}

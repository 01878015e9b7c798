import Stratify

/// The risk score: the risk table's points per three-character ICD-10 category, summed over
/// the distinct categories on admissions in its window, in whole tenths, and its band.
extension WarehouseSQL {
    /// risk_points (category, tenths) and risk (nhs, tenths).
    func riskCTEs(_ risk: RiskModel) -> [CTE] {
        [
            CTE(
                "risk_points", "Risk table \(risk.id): \(risk.title). Points in whole tenths.",
                body: """
                    SELECT * FROM (VALUES
                        \(risk.points.sorted { $0.key < $1.key }.map { "(\(lit($0.key.description)), \($0.value.value))" }.joined(separator: ",\n    "))
                    ) AS v(category, tenths)
                    """),
            CTE(
                "risk", "The score: the distinct three-character categories on admissions in the last \(risk.window), each counted once.",
                body: """
                    SELECT c.nhs, sum(r.tenths) AS tenths
                    FROM (SELECT DISTINCT nhs, substr(code, 1, 3) AS category FROM admission_codes WHERE \(inWindow("adm", risk.window))) c
                    JOIN risk_points r ON r.category = c.category
                    GROUP BY c.nhs
                    """),
        ]
    }

    /// The risk_score and risk_band columns of the final select, from `risk` joined as rk (an
    /// empty text each without a risk table).
    func riskColumns() -> String {
        guard let risk else { return "\n       '' AS risk_score,\n       '' AS risk_band" }
        let t = "coalesce(rk.tenths, 0)"
        return """

                   CAST(\(dialect.quotient(t, 10)) AS \(dialect.text)) || '.' || CAST(\(t) % 10 AS \(dialect.text)) AS risk_score,
                   \(bandExpression(risk, t)) AS risk_band
            """
    }

    /// The band of the score `t` (tenths), the first whose bound it is within.
    private func bandExpression(_ risk: RiskModel, _ t: String) -> String {
        var parts: [String] = ["CASE"]
        for b in risk.bands {
            switch b.bound {
            case .below(let x): parts.append("WHEN \(t) < \(x.value) THEN \(lit(b.name))")
            case .upTo(let x): parts.append("WHEN \(t) <= \(x.value) THEN \(lit(b.name))")
            case .rest: parts.append("ELSE \(lit(b.name))")
            }
        }
        parts.append("END")
        return parts.joined(separator: " ")
    }
}

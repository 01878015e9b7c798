/// `--part attrition`: the funnel as attrition.csv has it, from `registered` to
/// `any_criterion` (allocation's steps are casefind's, after the hand-back), one row per step
/// with its place, `step` and `patients`.
///
/// Counted as the engine counts: `registered` is every patient the spine reads, those the
/// opt-out policy excludes included (`opted_out`, each once); `alive` those not dead at the
/// as-of date (by the spine or a hospital death); the age step the population; each criterion
/// the population's patients who meet it; `any_criterion` those who meet one.
extension WarehouseSQL {
    /// spine_opted_out: the spine's patients the policy excludes (its rows left out of patient_rows).
    func attritionCTEs() -> [CTE] {
        let excluding = optOuts.excludesAny
        return [
            CTE(
                "spine_opted_out", "Patients on the spine whom the opt-out policy excludes, each once.",
                body: excluding
                    ? "SELECT count(DISTINCT nhs_digits) AS n\nFROM typed_patients\nWHERE nhs_digits IN (SELECT nhs FROM opted_out)"
                    : "SELECT CAST(0 AS BIGINT) AS n")
        ]
    }

    func attritionSelect() -> String {
        let counted = "(SELECT n FROM spine_opted_out)"
        var steps: [(String, String)] = [
            ("registered", "(SELECT count(*) FROM patient_rows) + \(counted)"),
            ("opted_out", counted),
            (
                "alive",
                "(SELECT count(*) FROM patient_rows p LEFT JOIN hospital_deaths h ON h.nhs = p.nhs"
                    + " WHERE (p.dod IS NULL OR p.dod > \(asOfSQL)) AND h.nhs IS NULL)"
            ),
            ("aged_\(criteria.population.minAge)_plus", "(SELECT count(*) FROM population)"),
        ]
        for (i, c) in criteria.criteria.enumerated() { steps.append((c.id, "(SELECT count(*) FROM evaluated WHERE met_\(i) = 1)")) }
        let any = criteria.criteria.indices.map { "met_\($0) = 1" }.joined(separator: " OR ")
        steps.append(("any_criterion", "(SELECT count(*) FROM evaluated WHERE \(any.isEmpty ? "1 = 0" : any))"))
        let rows = steps.enumerated().map { n, step in
            "SELECT \(n + 1) AS place, \(lit(step.0)) AS step, CAST(\(step.1) AS BIGINT) AS patients"
        }
        return "SELECT step, patients FROM (\n" + rows.joined(separator: "\nUNION ALL\n") + "\n) a\nORDER BY place;\n"
    }
}

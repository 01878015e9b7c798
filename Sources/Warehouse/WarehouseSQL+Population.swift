/// The population: patients alive at the as-of date (by the spine and by hospital deaths) and
/// old enough, with their age in completed years.
extension WarehouseSQL {
    /// hospital_deaths and population (nhs, practice, age).
    func populationCTEs() -> [CTE] {
        let deaths = list(criteria.population.deathDischargeMethods)
        let age = ageExpression("p.dob")
        return [
            CTE(
                "hospital_deaths",
                "Died in hospital: discharge method \(deaths.replacingOccurrences(of: "'", with: "")) on or before the as-of date.",
                body: "SELECT DISTINCT nhs FROM episode_rows WHERE dismeth IN (\(deaths)) AND dis <= \(asOfSQL)"),
            CTE(
                "population",
                "Alive at the as-of date and aged \(criteria.population.minAge) or over in completed years",
                "(born on 29 February: a year older on 1 March when the year has no 29 February).",
                body: """
                    SELECT p.nhs, p.practice, \(age) AS age
                    FROM patient_rows p
                    LEFT JOIN hospital_deaths h ON h.nhs = p.nhs
                    WHERE (p.dod IS NULL OR p.dod > \(asOfSQL))
                      AND h.nhs IS NULL
                      AND \(age) >= \(criteria.population.minAge)
                    """),
        ]
    }

    /// Completed years at the as-of date.
    func ageExpression(_ dob: String) -> String {
        let a = asOfSQL
        return
            "(CAST(EXTRACT(YEAR FROM \(a)) AS INTEGER) - CAST(EXTRACT(YEAR FROM \(dob)) AS INTEGER)"
            + " - CASE WHEN CAST(EXTRACT(MONTH FROM \(a)) AS INTEGER) * 100 + CAST(EXTRACT(DAY FROM \(a)) AS INTEGER)"
            + " < CAST(EXTRACT(MONTH FROM \(dob)) AS INTEGER) * 100 + CAST(EXTRACT(DAY FROM \(dob)) AS INTEGER) THEN 1 ELSE 0 END)"
    }
}

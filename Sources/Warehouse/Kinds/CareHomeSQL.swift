import CaseCore
import Rules

/// `kind: care_home`: a residence row covering the as-of date (when the register is used), or
/// the latest admission(s) in the window came from or went to a care home. Sets care_home.
struct CareHomeSQL: CriterionSQL {
    var register: Bool
    var window: Window
    var admissionSources: Set<ShortCode>
    var dischargeDestinations: Set<ShortCode>

    var flag: CaseFlag? { .careHome }

    func ctes(named name: String, in sql: WarehouseSQL) -> [CTE] {
        var parts: [String] = []
        if register {
            parts.append(
                """
                SELECT \(sql.nhs) AS nhs
                FROM \(sql.accepted("residence"))
                WHERE \(sql.requiredDate("from_date")) <= \(sql.asOfSQL)
                  AND (\(sql.optionalDate("to_date")) IS NULL OR \(sql.optionalDate("to_date")) >= \(sql.asOfSQL))
                """)
        }
        parts.append(
            """
            SELECT s.nhs
            FROM spells s
            JOIN (SELECT nhs, max(adm) AS latest FROM spells WHERE \(sql.inWindow("adm", window)) GROUP BY nhs) l
              ON l.nhs = s.nhs AND s.adm = l.latest
            JOIN episode_rows e ON e.nhs = s.nhs AND e.spell_id = s.spell_id
            WHERE e.source IN (\(sql.list(admissionSources))) OR e.dest IN (\(sql.list(dischargeDestinations)))
            """)
        return [
            CTE(
                name,
                register
                    ? "A residence row covering the as-of date, or the latest admission(s) in the last \(window) came from or went to a care home."
                    : "The latest admission(s) in the last \(window) came from or went to a care home.",
                body: parts.joined(separator: "\nUNION\n"))
        ]
    }
}

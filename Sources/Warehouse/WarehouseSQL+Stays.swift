/// Admissions: spells (the episodes sharing a spell_id) of the population, and continuous
/// stays (spells joined across transfers), which the admissions criterion and cases.csv count.
extension WarehouseSQL {
    /// spells (nhs, spell_id, adm, dis, transfer_in), then the stays steps ending in stays (nhs, stay_date).
    func stayCTEs() -> [CTE] {
        let regular = list(criteria.spells.regularAttenderClassifications)
        let transferMethods = list(criteria.spells.transferMethods)
        let transferSources = list(criteria.spells.transferSources)
        let spells = CTE(
            "spells",
            "Admissions: a spell is the episodes sharing a spell_id, dated by the earliest admission date and",
            "discharged on the latest discharge date (none: still open). A spell whose episodes are all",
            "patient classification \(regular.replacingOccurrences(of: "'", with: "")) (regular attenders) is not an admission; nor is one begun after the as-of date.",
            body: """
                SELECT e.nhs, e.spell_id, min(e.adm) AS adm, max(e.dis) AS dis,
                       max(CASE WHEN e.method IN (\(transferMethods)) OR e.source IN (\(transferSources)) THEN 1 ELSE 0 END) AS transfer_in
                FROM episode_rows e
                JOIN population p ON p.nhs = e.nhs
                GROUP BY e.nhs, e.spell_id
                HAVING max(CASE WHEN e.classpat IN (\(regular)) THEN 0 ELSE 1 END) = 1
                   AND min(e.adm) <= \(asOfSQL)
                """)
        return [spells] + continuousStayCTEs()
    }

    /// Continuous stays: admissions in order of date then spell_id; a transfer in joins the
    /// stay before it when it begins 0 to the gap days after that stay's latest discharge; a
    /// stay whose last spell is open is joined by nothing. One row per stay, dated by its first
    /// admission.
    private func continuousStayCTEs() -> [CTE] {
        let gap = criteria.spells.transferMaxGapDays
        let intro = [
            "Continuous stays: taking a patient's admissions in order of admission date then spell_id, a transfer in",
            "(admission method or source above) joins the stay before it when it begins 0 to \(gap) days after that",
            "stay's latest discharge; a stay whose last spell is still open is joined by nothing.",
        ]
        if dialect.walksRecursively {
            let joins =
                "o.transfer_in = 1 AND w.stay_dis IS NOT NULL AND \(dialect.daysBetween("o.adm", "w.stay_dis")) BETWEEN 0 AND \(gap)"
            return [
                CTE(
                    "ordered_spells", intro,
                    body: """
                        SELECT nhs, adm, dis, transfer_in,
                               row_number() OVER (PARTITION BY nhs ORDER BY adm, \(dialect.bytewise("spell_id"))) AS rn
                        FROM spells
                        """),
                CTE(
                    "stay_walk(nhs, rn, adm, stay_dis, joined)", "The walk, one admission at a time.",
                    body: """
                        SELECT nhs, rn, adm, dis, 0 FROM ordered_spells WHERE rn = 1
                        UNION ALL
                        SELECT o.nhs, o.rn, o.adm,
                               CASE WHEN \(joins)
                                    THEN (CASE WHEN o.dis IS NULL THEN NULL ELSE greatest(w.stay_dis, o.dis) END)
                                    ELSE o.dis END,
                               CASE WHEN \(joins) THEN 1 ELSE 0 END
                        FROM stay_walk w
                        JOIN ordered_spells o ON o.nhs = w.nhs AND o.rn = w.rn + 1
                        """),
                CTE(
                    "stays", "One row per continuous stay, dated by its first admission.",
                    body: "SELECT nhs, adm AS stay_date FROM stay_walk WHERE joined = 0"),
            ]
        }
        return [
            CTE(
                "stays", intro + ["Spark folds each patient's sorted admissions into the list of stay dates."],
                body: """
                    SELECT nhs, explode(walk.dates) AS stay_date
                    FROM (SELECT nhs,
                                 aggregate(
                                   array_sort(collect_list(named_struct('adm', adm, 'spell_id', spell_id, 'dis', dis, 'transfer_in', transfer_in))),
                                   named_struct('stay_dis', CAST(NULL AS DATE), 'dates', CAST(array() AS ARRAY<DATE>)),
                                   (w, o) -> IF(o.transfer_in = 1 AND w.stay_dis IS NOT NULL AND datediff(o.adm, w.stay_dis) BETWEEN 0 AND \(gap),
                                                named_struct('stay_dis', IF(o.dis IS NULL, CAST(NULL AS DATE), greatest(w.stay_dis, o.dis)), 'dates', w.dates),
                                                named_struct('stay_dis', o.dis, 'dates', concat(w.dates, array(o.adm))))
                                 ) AS walk
                          FROM spells
                          GROUP BY nhs) x
                    """)
        ]
    }
}

import Rules

/// The assembly: the steps in order (readings, population, stays, codes, the criteria in rank
/// order, report columns, risk, which criteria each patient meets), then the final select of
/// the cases.csv columns.
extension WarehouseSQL {
    /// The whole script for `part`: a header comment and one query ending in `;`.
    public func render(_ part: Part = .cases) -> String {
        switch part {
        case .cases:
            let steps = caseSteps(reporting: true)
            return script(steps.ctes, then: finalSelect(steps.kinds, reportsCodes: steps.reportsCodes))
        case .rejects: return script(checkSteps(tableChecks()), then: rejectsSelect(), part: .rejects)
        case .attrition:
            let steps = caseSteps(reporting: false)
            return script(steps.ctes + attritionCTEs(), then: attritionSelect(), part: .attrition)
        }
    }

    /// The steps of the case list: the checked tables they read, the readings, population,
    /// stays, codes, the criteria in rank order, and which criteria each patient meets; with
    /// `reporting`, the report columns and the risk score too.
    private func caseSteps(reporting: Bool) -> (ctes: [CTE], kinds: [any CriterionSQL], reportsCodes: Bool) {
        let kinds = criteria.criteria.map { Self.criterionSQL(for: $0.kind) }
        var ctes = readingCTEs() + populationCTEs() + stayCTEs()
        if needsAdmissionCodes(kinds) { ctes += admissionCodeCTEs() }
        ctes.append(prescriptionCTE())

        // The criteria, in rank order.
        var metSteps: [String] = []
        for (c, kind) in zip(criteria.criteria, kinds) {
            let name = cteName(c.id)
            var steps = kind.ctes(named: name, in: self)
            steps[0].comment.insert("Criterion \(c.id) (rank \(c.rank)): \(c.label).", at: 0)
            ctes += steps
            metSteps.append(name)
        }

        let codeSteps = zip(metSteps, kinds).filter { $0.1.reportsCodes }.map(\.0)
        if reporting {
            ctes += reportColumnCTEs(codeSteps: codeSteps)
            if let risk { ctes += riskCTEs(risk) }
        }
        ctes.append(evaluatedCTE(metSteps))

        // The checked tables the steps read, first (residence only with a care-home register
        // criterion, nominations only with a nomination criterion).
        let read = ctes.map(\.body).joined(separator: "\n")
        ctes = checkSteps(tableChecks().filter { read.contains("FROM checked_\($0.table) ") }) + ctes
        return (ctes, kinds, !codeSteps.isEmpty)
    }

    /// The header, the `WITH` list and the final select.
    private func script(_ ctes: [CTE], then select: String, part: Part = .cases) -> String {
        var out = header(part)
        out += dialect.walksRecursively ? "WITH RECURSIVE\n" : "WITH\n"
        for (i, c) in ctes.enumerated() {
            for line in c.comment { out += comment(line) + "\n" }
            out += "\(c.name) AS\(c.materialized ? dialect.materialized : "") (\n"
            out += c.body.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
            out += i == ctes.count - 1 ? "\n)\n" : "\n),\n"
        }
        out += select
        return out
    }

    /// Which criteria each patient of the population meets: met_0 ... met_N, 1 or 0, in rank order.
    private func evaluatedCTE(_ metSteps: [String]) -> CTE {
        var evaluated = "SELECT p.nhs, p.practice, p.age"
        for i in metSteps.indices {
            evaluated += ",\n       CASE WHEN m\(i).nhs IS NULL THEN 0 ELSE 1 END AS met_\(i)"
        }
        evaluated += "\nFROM population p"
        for (i, step) in metSteps.enumerated() {
            evaluated += "\nLEFT JOIN (SELECT DISTINCT nhs FROM \(step)) m\(i) ON m\(i).nhs = p.nhs"
        }
        return CTE("evaluated", "Each criterion met (1) or not (0), for the population.", body: evaluated)
    }

    /// The cases.csv columns nhs_number ... risk_band of the patients who meet a criterion, by
    /// locality then NHS number.
    private func finalSelect(_ kinds: [any CriterionSQL], reportsCodes: Bool) -> String {
        let ranks = criteria.criteria
        let met = ranks.indices.map { "e.met_\($0) = 1" }
        let priority =
            "CASE " + ranks.indices.map { "WHEN e.met_\($0) = 1 THEN \(ranks[$0].rank)" }.joined(separator: " ") + " END"
        let criteriaList =
            "concat_ws(';', " + ranks.indices.map { "CASE WHEN e.met_\($0) = 1 THEN \(lit(ranks[$0].id)) END" }.joined(separator: ", ")
            + ")"
        func anyMet(_ flag: CaseFlag) -> String {
            let idx = kinds.indices.filter { kinds[$0].flag == flag }
            if idx.isEmpty { return "'N'" }
            return "CASE WHEN " + idx.map { "e.met_\($0) = 1" }.joined(separator: " OR ") + " THEN 'Y' ELSE 'N' END"
        }
        var select = """
            SELECT e.nhs AS nhs_number,
                   e.practice AS gp_practice,
                   coalesce(pr.pct, '') AS pct,
                   coalesce(pr.locality, 'UNMAPPED') AS locality,
                   CAST(e.age AS INTEGER) AS age,
                   \(priority) AS priority,
                   \(criteriaList) AS criteria,
                   \(reportsCodes ? "coalesce(mc.codes, '')" : "''") AS frailty_codes,
                   CAST(coalesce(ad.n, 0) AS INTEGER) AS admissions,
                   CAST(coalesce(dr.n, 0) AS INTEGER) AS distinct_drugs,
                   \(anyMet(.careHome)) AS care_home,
                   \(anyMet(.nominated)) AS nominated,
            """
        select += riskColumns()
        select += """

            FROM evaluated e
            LEFT JOIN practice_rows pr ON pr.practice = e.practice
            LEFT JOIN admissions_in_window ad ON ad.nhs = e.nhs
            LEFT JOIN drugs_in_window dr ON dr.nhs = e.nhs
            """
        if reportsCodes { select += "\nLEFT JOIN matched_codes mc ON mc.nhs = e.nhs" }
        if risk != nil { select += "\nLEFT JOIN risk rk ON rk.nhs = e.nhs" }
        select += "\nWHERE " + (met.isEmpty ? "1 = 0" : met.joined(separator: " OR "))
        select += "\nORDER BY locality, nhs_number;\n"
        return select
    }
}

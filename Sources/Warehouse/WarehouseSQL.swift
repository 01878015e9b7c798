import CaseCore
import Rules
import Stratify

/// Renders a criteria set (and its risk table) as one SQL query that computes the case list
/// where the data already lives: DuckDB, PostgreSQL or Spark.
///
/// The query is built from the parsed criteria, never from a template per criteria file: one
/// named CTE per reading step and per criterion, with a comment naming the rule. It reads the
/// contract's tables (patients, practices, admissions, prescriptions, residence, nominations)
/// with the contract's column names, every column as text (as loaded from the CSV files), and
/// returns the cases.csv columns up to `risk_band`, one row per case-found patient.
///
/// Same semantics as the engine: fields trimmed, codes compared case-insensitively, NHS
/// numbers without spaces or hyphens, sentinel dates read as missing, ICD-10 normalisation and
/// validation, spells and regular attenders, continuous stays across transfers, the 29 February
/// age rule, the windows, the latest-admission care-home rule, HFRS in whole tenths.
///
/// What it does not do is row validation: rows the engine would reject (bad NHS numbers,
/// unreadable dates, missing required fields, wrong field counts, duplicate spine or practice
/// rows, malformed BNF codes) must not be in the tables. Load the rows `casefind validate`
/// accepts, or remove those its rejects list names.
public struct WarehouseSQL: Sendable {
    public var criteria: CriteriaSet
    public var risk: RiskModel?
    public var dialect: Dialect
    /// The as-of date; nil means the engine's CURRENT_DATE when the query runs.
    public var asOf: Day?
    /// The admissions table has diag_01 ... diag_NN.
    public var diagnosisColumns: Int

    public init(criteria: CriteriaSet, risk: RiskModel?, dialect: Dialect, asOf: Day?, diagnosisColumns: Int = 20) {
        self.criteria = criteria
        self.risk = risk
        self.dialect = dialect
        self.asOf = asOf
        self.diagnosisColumns = diagnosisColumns
    }

    /// The diagnosis column names: diag_01 ... diag_NN (at least two digits).
    public var diagnosisColumnNames: [String] {
        (1...max(1, diagnosisColumns)).map { n in n < 10 ? "diag_0\(n)" : "diag_\(n)" }
    }

    // MARK: - pieces

    private var d: Dialect { dialect }
    private var asOfSQL: String { asOf.map { "DATE '\($0)'" } ?? "CURRENT_DATE" }

    private func lit(_ s: String) -> String { d.literal(s) }

    private func list(_ codes: Set<ShortCode>) -> String {
        codes.isEmpty ? "NULL" : codes.map(\.description).sorted().map(lit).joined(separator: ", ")
    }

    /// `x` in the window ending on the as-of date.
    private func inWindow(_ x: String, _ w: Window) -> String {
        let before: String
        switch w {
        case .months(let n): before = d.monthsBefore(asOfSQL, n)
        case .days(let n): before = d.daysBefore(asOfSQL, n)
        }
        return "\(x) > \(before) AND \(x) <= \(asOfSQL)"
    }

    private func upperASCII(_ x: String) -> String {
        "translate(\(x), 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')"
    }

    /// A table's columns as the engine reads fields: text, trimmed of spaces and tabs, empty as
    /// NULL. The readings below apply to these trimmed columns.
    private func fields(_ table: String, _ columns: [String]) -> String {
        "(SELECT " + columns.map { "\(d.field($0)) AS \($0)" }.joined(separator: ",\n             ") + "\n      FROM \(table)) f"
    }

    private func nhs(_ column: String) -> String { "replace(replace(\(column), ' ', ''), '-', '')" }

    private func requiredDate(_ column: String) -> String { "CAST(\(column) AS DATE)" }

    /// An optional date: before the sentinel cut-off it reads as missing.
    private func optionalDate(_ column: String) -> String {
        "CASE WHEN CAST(\(column) AS DATE) < DATE '\(criteria.missingBefore)' THEN NULL ELSE CAST(\(column) AS DATE) END"
    }

    /// A HES code: upper case; longer than four bytes reads as blank.
    private func hes(_ column: String) -> String {
        "CASE WHEN \(d.byteLength(column)) > 4 THEN NULL ELSE \(upperASCII(column)) END"
    }

    /// A code pattern as a test on the normalised code column `c`.
    private func test(_ p: CodePattern, _ c: String) -> String {
        switch p {
        case .prefix(let code):
            return "\(c) LIKE '\(code)%'"
        case .range(let lo, let hi):
            let n = lo.length
            return "(length(\(c)) >= \(n) AND \(d.bytewise("substr(\(c), 1, \(n))")) BETWEEN '\(lo)' AND '\(hi)')"
        }
    }

    private func comment(_ text: String) -> String {
        "-- " + text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }

    private func cteName(_ id: String) -> String {
        "c_" + String(id.map { $0.isLetter || $0.isNumber ? $0 : "_" }).lowercased()
    }

    // MARK: - the query

    /// The whole script: a header comment and one query ending in `;`.
    public func render() -> String {
        var ctes: [(name: String, comment: [String], body: String)] = []
        func cte(_ name: String, _ comment: String..., body: String) { ctes.append((name, comment, body)) }
        func cte(_ name: String, _ comment: [String], body: String) { ctes.append((name, comment, body)) }

        let diagColumns = diagnosisColumnNames
        let deaths = list(criteria.population.deathDischargeMethods)
        let regular = list(criteria.spells.regularAttenderClassifications)
        let transferMethods = list(criteria.spells.transferMethods)
        let transferSources = list(criteria.spells.transferSources)
        let age = ageExpression("p.dob")

        // Readings.
        cte(
            "patient_rows", "The spine: NHS numbers without spaces or hyphens, practice codes upper case.",
            body: """
                SELECT \(nhs("nhs_number")) AS nhs,
                       \(requiredDate("date_of_birth")) AS dob,
                       upper(gp_practice) AS practice,
                       \(optionalDate("date_of_death")) AS dod
                FROM \(fields("patients", ["nhs_number", "date_of_birth", "gp_practice", "date_of_death"]))
                """)
        cte(
            "practice_rows",
            body: """
                SELECT upper(practice_code) AS practice, pct, locality
                FROM \(fields("practices", ["practice_code", "pct", "locality"]))
                """)
        cte(
            "episode_rows",
            "Consultant episodes. HES codes upper case, longer than 4 characters read as blank.",
            "A discharge date before \(criteria.missingBefore) is a sentinel and reads as missing.",
            body: """
                SELECT \(nhs("nhs_number")) AS nhs,
                       spell_id,
                       \(requiredDate("admission_date")) AS adm,
                       \(optionalDate("discharge_date")) AS dis,
                       \(hes("admission_method")) AS method,
                       \(hes("patient_classification")) AS classpat,
                       \(hes("admission_source")) AS source,
                       \(hes("discharge_destination")) AS dest,
                       \(hes("discharge_method")) AS dismeth,
                       \(diagColumns.joined(separator: ", "))
                FROM \(fields("admissions", ["nhs_number", "spell_id", "admission_date", "discharge_date", "admission_method", "patient_classification", "admission_source", "discharge_destination", "discharge_method"] + diagColumns))
                """)

        // The population.
        cte(
            "hospital_deaths",
            "Died in hospital: discharge method \(deaths.replacingOccurrences(of: "'", with: "")) on or before the as-of date.",
            body: "SELECT DISTINCT nhs FROM episode_rows WHERE dismeth IN (\(deaths)) AND dis <= \(asOfSQL)")
        cte(
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
                """)

        // Admissions.
        cte(
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
        for (name, comments, body) in stayCTEs() { cte(name, comments, body: body) }

        let needsCodes =
            risk != nil
            || criteria.criteria.contains {
                switch $0.kind {
                case .diagnosis, .conditions: return true
                default: return false
                }
            }
        if needsCodes {
            cte(
                "diagnosis_fields", "Every diagnosis position of every episode of an admission.",
                body: """
                    SELECT e.nhs, s.adm, \(d.unnest(diagColumns.map { "e.\($0)" }, as: "raw"))
                    FROM episode_rows e
                    JOIN spells s ON s.nhs = e.nhs AND s.spell_id = e.spell_id
                    """)
            cte(
                "diagnosis_squeezed", "ICD-10 normalisation: '.', spaces and tabs dropped; more than 9 bytes left is not a code.",
                body: """
                    SELECT nhs, adm, replace(replace(replace(raw, '.', ''), ' ', ''), chr(9), '') AS squeezed
                    FROM diagnosis_fields
                    WHERE raw IS NOT NULL
                    """)
            cte(
                "diagnosis_trimmed", "Trailing non-alphanumerics (dagger, asterisk, '-') dropped; letters upper case.",
                body: """
                    SELECT nhs, adm, \(upperASCII("regexp_replace(squeezed, '[^A-Za-z0-9]+$', '')")) AS t
                    FROM diagnosis_squeezed
                    WHERE squeezed <> '' AND \(d.byteLength("squeezed")) <= 9
                    """)
            cte(
                "admission_codes",
                "An X filler in the fourth place dropped; valid codes are [A-Z][0-9][0-9A-Z] then up to 4 letters or digits.",
                "One row per admission date and distinct code.",
                body: """
                    SELECT DISTINCT nhs, adm, code
                    FROM (SELECT nhs, adm,
                                 CASE WHEN length(t) >= 4 AND substr(t, 4, 1) = 'X' THEN substr(t, 1, 3) || substr(t, 5) ELSE t END AS code
                          FROM diagnosis_trimmed) x
                    WHERE \(d.matches("code", "^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$"))
                    """)
        }

        do {  // always: cases.csv reports distinct_drugs whatever the criteria
            cte(
                "prescription_rows", "Items issued: the chemical substance is characters 1-9 of the BNF code, the chapter 1-2.",
                body: """
                    SELECT \(nhs("nhs_number")) AS nhs,
                           \(requiredDate("issue_date")) AS issued,
                           \(upperASCII("substr(bnf_code, 1, 9)")) AS substance
                    FROM \(fields("prescriptions", ["nhs_number", "issue_date", "bnf_code"]))
                    """)
        }

        // The criteria, in rank order.
        var metColumns: [(id: String, cte: String)] = []
        var diagnosisCTEs: [String] = []
        var careHomeIDs: [String] = []
        var nominationIDs: [String] = []
        for c in criteria.criteria {
            let name = cteName(c.id)
            let head = "Criterion \(c.id) (rank \(c.rank)): \(c.label)."
            switch c.kind {
            case .diagnosis(let window, let rules):
                cte(
                    name + "_codes", head, "Codes (prefix match on the normalised code; a range compares its first characters):",
                    body: """
                        SELECT * FROM (VALUES
                            \(rules.map { codeRow($0.pattern, minAge: $0.minAge ?? 0, label: $0.label) }.joined(separator: ",\n    "))
                        ) AS v(lo, hi, n, min_age, label)
                        """)
                cte(
                    name, "An admission in the last \(window) carries one of the codes in any diagnosis position.",
                    body: """
                        SELECT DISTINCT a.nhs, a.code
                        FROM admission_codes a
                        JOIN population p ON p.nhs = a.nhs
                        JOIN \(name)_codes r
                          ON length(a.code) >= r.n AND \(d.bytewise("substr(a.code, 1, r.n)")) BETWEEN r.lo AND r.hi AND p.age >= r.min_age
                        WHERE \(inWindow("a.adm", window))
                        """)
                diagnosisCTEs.append(name)
            case .admissions(let window, let minCount):
                cte(
                    name, head, "\(minCount) or more admissions (continuous stays) dated in the last \(window).",
                    body: """
                        SELECT nhs FROM stays
                        WHERE \(inWindow("stay_date", window))
                        GROUP BY nhs
                        HAVING count(*) >= \(minCount)
                        """)
            case .careHome(let register, let window, let sources, let destinations):
                careHomeIDs.append(c.id)
                var parts: [String] = []
                if register {
                    parts.append(
                        """
                        SELECT \(nhs("nhs_number")) AS nhs
                        FROM \(fields("residence", ["nhs_number", "from_date", "to_date"]))
                        WHERE \(requiredDate("from_date")) <= \(asOfSQL)
                          AND (\(optionalDate("to_date")) IS NULL OR \(optionalDate("to_date")) >= \(asOfSQL))
                        """)
                }
                parts.append(
                    """
                    SELECT s.nhs
                    FROM spells s
                    JOIN (SELECT nhs, max(adm) AS latest FROM spells WHERE \(inWindow("adm", window)) GROUP BY nhs) l
                      ON l.nhs = s.nhs AND s.adm = l.latest
                    JOIN episode_rows e ON e.nhs = s.nhs AND e.spell_id = s.spell_id
                    WHERE e.source IN (\(list(sources))) OR e.dest IN (\(list(destinations)))
                    """)
                cte(
                    name, head,
                    register
                        ? "A residence row covering the as-of date, or the latest admission(s) in the last \(window) came from or went to a care home."
                        : "The latest admission(s) in the last \(window) came from or went to a care home.",
                    body: parts.joined(separator: "\nUNION\n"))
            case .polypharmacy(let window, let minDistinct, let chapters):
                cte(
                    name, head,
                    "\(minDistinct) or more distinct substances from BNF chapters \(chapters.lowerBound)-\(chapters.upperBound) issued in the last \(window).",
                    body: """
                        SELECT nhs FROM prescription_rows
                        WHERE \(inWindow("issued", window)) AND \(chapterTest("substance", chapters))
                        GROUP BY nhs
                        HAVING count(DISTINCT substance) >= \(minDistinct)
                        """)
            case .nomination:
                nominationIDs.append(c.id)
                cte(
                    name, head, "A nomination dated on or before the as-of date.",
                    body: """
                        SELECT DISTINCT \(nhs("nhs_number")) AS nhs
                        FROM \(fields("nominations", ["nhs_number", "nominated_on"]))
                        WHERE \(requiredDate("nominated_on")) <= \(asOfSQL)
                        """)
            case .conditions(let window, let minGroups, let groups):
                var rows: [String] = []
                for g in groups { for p in g.patterns { rows.append(codeRow(p, minAge: 0, label: g.name)) } }
                cte(
                    name + "_codes", head, "The conditions and their codes:",
                    body: """
                        SELECT * FROM (VALUES
                            \(rows.joined(separator: ",\n    "))
                        ) AS v(lo, hi, n, min_age, label)
                        """)
                cte(
                    name, "\(minGroups) or more distinct conditions in admissions dated in the last \(window).",
                    body: """
                        SELECT a.nhs
                        FROM admission_codes a
                        JOIN \(name)_codes r ON length(a.code) >= r.n AND \(d.bytewise("substr(a.code, 1, r.n)")) BETWEEN r.lo AND r.hi
                        WHERE \(inWindow("a.adm", window))
                        GROUP BY a.nhs
                        HAVING count(DISTINCT r.label) >= \(minGroups)
                        """)
            }
            metColumns.append((c.id, name))
        }

        // Report columns.
        let admissionsWindow = criteria.admissionsReportWindow
        cte(
            "admissions_in_window", "cases.csv admissions: continuous stays dated in the last \(admissionsWindow).",
            body: "SELECT nhs, count(*) AS n FROM stays WHERE \(inWindow("stay_date", admissionsWindow)) GROUP BY nhs")
        let (drugWindow, drugChapters) = criteria.drugsReportWindow
        cte(
            "drugs_in_window",
            "cases.csv distinct_drugs: distinct substances from chapters \(drugChapters.lowerBound)-\(drugChapters.upperBound) issued in the last \(drugWindow).",
            body: """
                SELECT nhs, count(DISTINCT substance) AS n FROM prescription_rows
                WHERE \(inWindow("issued", drugWindow)) AND \(chapterTest("substance", drugChapters))
                GROUP BY nhs
                """)
        if !diagnosisCTEs.isEmpty {
            cte(
                "matched_codes", "cases.csv frailty_codes: the codes of the diagnosis criteria met, sorted, joined with ';'.",
                body: """
                    SELECT nhs, \(d.sortedJoin("code")) AS codes
                    FROM (\(diagnosisCTEs.map { "SELECT nhs, code FROM \($0)" }.joined(separator: " UNION "))) m
                    GROUP BY nhs
                    """)
        }
        if let risk {
            cte(
                "risk_points", "Risk table \(risk.id): \(risk.title). Points in whole tenths.",
                body: """
                    SELECT * FROM (VALUES
                        \(risk.points.sorted { $0.key < $1.key }.map { "(\(lit($0.key.description)), \($0.value.value))" }.joined(separator: ",\n    "))
                    ) AS v(category, tenths)
                    """)
            cte(
                "risk", "The score: the distinct three-character categories on admissions in the last \(risk.window), each counted once.",
                body: """
                    SELECT c.nhs, sum(r.tenths) AS tenths
                    FROM (SELECT DISTINCT nhs, substr(code, 1, 3) AS category FROM admission_codes WHERE \(inWindow("adm", risk.window))) c
                    JOIN risk_points r ON r.category = c.category
                    GROUP BY c.nhs
                    """)
        }

        // Which criteria each patient meets.
        var evaluated = "SELECT p.nhs, p.practice, p.age"
        for i in metColumns.indices {
            evaluated += ",\n       CASE WHEN m\(i).nhs IS NULL THEN 0 ELSE 1 END AS met_\(i)"
        }
        evaluated += "\nFROM population p"
        for (i, m) in metColumns.enumerated() {
            evaluated += "\nLEFT JOIN (SELECT DISTINCT nhs FROM \(m.cte)) m\(i) ON m\(i).nhs = p.nhs"
        }
        cte("evaluated", "Each criterion met (1) or not (0), for the population.", body: evaluated)

        let met = metColumns.indices.map { "e.met_\($0) = 1" }
        let ranks = criteria.criteria
        let priority =
            "CASE " + ranks.indices.map { "WHEN e.met_\($0) = 1 THEN \(ranks[$0].rank)" }.joined(separator: " ") + " END"
        let criteriaList =
            "concat_ws(';', " + ranks.indices.map { "CASE WHEN e.met_\($0) = 1 THEN \(lit(ranks[$0].id)) END" }.joined(separator: ", ")
            + ")"
        func anyMet(_ ids: [String]) -> String {
            let idx = ranks.indices.filter { ids.contains(ranks[$0].id) }
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
                   \(diagnosisCTEs.isEmpty ? "''" : "coalesce(mc.codes, '')") AS frailty_codes,
                   CAST(coalesce(ad.n, 0) AS INTEGER) AS admissions,
                   CAST(coalesce(dr.n, 0) AS INTEGER) AS distinct_drugs,
                   \(anyMet(careHomeIDs)) AS care_home,
                   \(anyMet(nominationIDs)) AS nominated,
            """
        if let risk {
            let t = "coalesce(rk.tenths, 0)"
            select += """

                       CAST(\(d.quotient(t, 10)) AS \(d.text)) || '.' || CAST(\(t) % 10 AS \(d.text)) AS risk_score,
                       \(bandExpression(risk, t)) AS risk_band
                """
        } else {
            select += "\n       '' AS risk_score,\n       '' AS risk_band"
        }
        select += """

            FROM evaluated e
            LEFT JOIN practice_rows pr ON pr.practice = e.practice
            LEFT JOIN admissions_in_window ad ON ad.nhs = e.nhs
            LEFT JOIN drugs_in_window dr ON dr.nhs = e.nhs
            """
        if !diagnosisCTEs.isEmpty { select += "\nLEFT JOIN matched_codes mc ON mc.nhs = e.nhs" }
        if risk != nil { select += "\nLEFT JOIN risk rk ON rk.nhs = e.nhs" }
        select += "\nWHERE " + (met.isEmpty ? "1 = 0" : met.joined(separator: " OR "))
        select += "\nORDER BY locality, nhs_number;\n"

        var out = header()
        out += d.walksRecursively ? "WITH RECURSIVE\n" : "WITH\n"
        for (i, c) in ctes.enumerated() {
            for line in c.comment { out += comment(line) + "\n" }
            out += "\(c.name) AS (\n"
            out += c.body.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
            out += i == ctes.count - 1 ? "\n)\n" : "\n),\n"
        }
        out += select
        return out
    }

    // MARK: - helpers for the query

    private func header() -> String {
        var lines = [
            "casefinder: the case list for criteria set \(criteria.id) (\(criteria.title)),",
            "rendered for \(dialect.rawValue) by `casefind sql`. Source of the criteria: \(criteria.source).",
            "",
            "As-of date: \(asOf.map(\.description) ?? "CURRENT_DATE when the query runs").",
            "Reads tables patients, practices, admissions (with \(diagnosisColumnNames.first!) ... \(diagnosisColumnNames.last!)), prescriptions,",
            "residence and nominations, with the columns of the extracts contract, every column as text.",
            "Rows that casefind would reject (invalid NHS numbers, unreadable or missing required dates,",
            "missing required fields, duplicate spine or practice rows, malformed BNF codes) must be removed first.",
            "Returns the cases.csv columns nhs_number ... risk_band, one row per case-found patient.",
            "",
        ]
        if let risk, let v = risk.validatedMinAge {
            lines.append("Risk: \(risk.id) was validated at \(v) and over; below \(v) it is a ranking aid only.")
            lines.append("")
        }
        return lines.map { $0.isEmpty ? "--\n" : comment($0) + "\n" }.joined()
    }

    /// Completed years at the as-of date.
    private func ageExpression(_ dob: String) -> String {
        let a = asOfSQL
        return
            "(CAST(EXTRACT(YEAR FROM \(a)) AS INTEGER) - CAST(EXTRACT(YEAR FROM \(dob)) AS INTEGER)"
            + " - CASE WHEN CAST(EXTRACT(MONTH FROM \(a)) AS INTEGER) * 100 + CAST(EXTRACT(DAY FROM \(a)) AS INTEGER)"
            + " < CAST(EXTRACT(MONTH FROM \(dob)) AS INTEGER) * 100 + CAST(EXTRACT(DAY FROM \(dob)) AS INTEGER) THEN 1 ELSE 0 END)"
    }

    /// A VALUES row for a code pattern: a prefix P is the range P..P over its own length.
    private func codeRow(_ p: CodePattern, minAge: Int, label: String) -> String {
        switch p {
        case .prefix(let c):
            return "(\(lit(c.description)), \(lit(c.description)), \(c.length), \(minAge), \(lit(label)))"
        case .range(let lo, let hi):
            return "(\(lit(lo.description)), \(lit(hi.description)), \(lo.length), \(minAge), \(lit(label)))"
        }
    }

    /// The BNF chapter (first two characters, both digits) lies in the range.
    private func chapterTest(_ substance: String, _ chapters: ClosedRange<Int>) -> String {
        "substr(\(substance), 1, 1) BETWEEN '0' AND '9' AND substr(\(substance), 2, 1) BETWEEN '0' AND '9'"
            + " AND CAST(CASE WHEN substr(\(substance), 1, 1) BETWEEN '0' AND '9' AND substr(\(substance), 2, 1) BETWEEN '0' AND '9'"
            + " THEN substr(\(substance), 1, 2) END AS INTEGER) BETWEEN \(chapters.lowerBound) AND \(chapters.upperBound)"
    }

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

    /// Continuous stays: admissions in order of date then spell_id; a transfer in joins the
    /// stay before it when it begins 0 to the gap days after that stay's latest discharge; a
    /// stay whose last spell is open is joined by nothing. One row per stay, dated by its first
    /// admission.
    private func stayCTEs() -> [(String, [String], String)] {
        let gap = criteria.spells.transferMaxGapDays
        let intro = [
            "Continuous stays: taking a patient's admissions in order of admission date then spell_id, a transfer in",
            "(admission method or source above) joins the stay before it when it begins 0 to \(gap) days after that",
            "stay's latest discharge; a stay whose last spell is still open is joined by nothing.",
        ]
        if d.walksRecursively {
            let joins =
                "o.transfer_in = 1 AND w.stay_dis IS NOT NULL AND \(d.daysBetween("o.adm", "w.stay_dis")) BETWEEN 0 AND \(gap)"
            return [
                (
                    "ordered_spells", intro,
                    """
                    SELECT nhs, adm, dis, transfer_in,
                           row_number() OVER (PARTITION BY nhs ORDER BY adm, \(d.bytewise("spell_id"))) AS rn
                    FROM spells
                    """
                ),
                (
                    "stay_walk(nhs, rn, adm, stay_dis, joined)", ["The walk, one admission at a time."],
                    """
                    SELECT nhs, rn, adm, dis, 0 FROM ordered_spells WHERE rn = 1
                    UNION ALL
                    SELECT o.nhs, o.rn, o.adm,
                           CASE WHEN \(joins)
                                THEN (CASE WHEN o.dis IS NULL THEN NULL ELSE greatest(w.stay_dis, o.dis) END)
                                ELSE o.dis END,
                           CASE WHEN \(joins) THEN 1 ELSE 0 END
                    FROM stay_walk w
                    JOIN ordered_spells o ON o.nhs = w.nhs AND o.rn = w.rn + 1
                    """
                ),
                (
                    "stays", ["One row per continuous stay, dated by its first admission."],
                    "SELECT nhs, adm AS stay_date FROM stay_walk WHERE joined = 0"
                ),
            ]
        }
        return [
            (
                "stays", intro + ["Spark folds each patient's sorted admissions into the list of stay dates."],
                """
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
                """
            )
        ]
    }
}

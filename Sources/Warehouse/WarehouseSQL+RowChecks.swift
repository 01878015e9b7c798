/// The engine's row rules, per table, as SQL: `checked_TABLE` holds every row of the table
/// with its fields trimmed, its line (`--line-column`, NULL without one), its NHS number
/// without spaces or hyphens (`nhs_digits`), each date field's date (`FIELD_day`, NULL when
/// blank or unreadable), and why the engine would reject it (`reject_reason`, `reject_field`,
/// `reject_value`; NULL when it is read). Each value is read once per row, and the rules are
/// tested once (a rule number, then its words), which keeps the plans small on Spark, which
/// inlines each step wherever it is used.
/// The readings take the rows whose reason is NULL; `--part rejects` lists the others and the
/// field warnings of the rows read, in the engine's words.
///
/// The rules are the engine's (Ingest's ExtractReader and RowContext, Facts' duplicate
/// checks), in its order: a row's reason is the first rule it breaks. Warnings are reported
/// for rows that are read only.
extension WarehouseSQL {
    /// One rule: a condition on the row's fields, and the reason, field and value the engine
    /// reports (SQL expressions).
    struct RowRule {
        var condition: String
        var reason: String
        var field: String
        var value: String
    }

    /// A rule that picks, among the rows read with the same `key`, all but the first (by
    /// line, else by `order`) and rejects them as listed twice.
    struct DuplicateRule {
        var key: String
        var order: [String]
        /// The reason, given the SQL text of the first row's line.
        var reason: (_ firstLine: String) -> String
        var field: String
        var value: String
    }

    /// One table's fields, rules and warnings.
    struct TableCheck {
        var table: String
        var columns: [String]
        /// The date fields, read into `FIELD_day`.
        var dates: [String]
        var rules: [RowRule]
        var duplicate: DuplicateRule?
        var warnings: [RowRule]
        /// The natural key the rejects list shows beside the line: text, fields joined by `|`.
        var rowKey: [String]
        var hasPerson: Bool { columns.first == "nhs_number" }
        /// Whether an excluded patient's rows are dropped unread (every table of patients but
        /// the opt-outs themselves).
        var excludes: Bool { hasPerson && table != "opt_outs" }
    }

    // MARK: - the tables

    /// The steps that check `tables`: with a policy that excludes anyone, the opt-outs first
    /// and `opted_out`, which every other table of patients leaves out.
    func checkSteps(_ tables: [TableCheck]) -> [CTE] {
        let excluding = optOuts.excludesAny && tables.contains { $0.excludes }
        var wanted = tables
        if excluding && !wanted.contains(where: { $0.table == "opt_outs" }) { wanted.insert(optOutsCheck(), at: 0) }
        var ctes: [CTE] = []
        // With a cleared list, opted_out reads the typed spine: it follows typed_patients.
        let afterSpine = excluding && appliesClearedList && wanted.contains { $0.table == "patients" }
        for check in wanted {
            var steps = checkedCTEs(check, excluding: excluding)
            if excluding && check.table == (afterSpine ? "patients" : "opt_outs") {
                let opted = afterSpine ? [clearedNumbersCTE(ndooCleared ?? ""), optedOutCTE()] : [optedOutCTE()]
                steps.insert(contentsOf: opted, at: afterSpine ? 1 : steps.count)
            }
            ctes += steps
        }
        return ctes
    }

    /// The seven tables' checks: the opt-outs, then the six extracts in the contract's order.
    func tableChecks() -> [TableCheck] {
        let hesColumns = ["admission_method", "patient_classification", "admission_source", "discharge_destination", "discharge_method"]
        let diagnoses = diagnosisColumnNames
        return [
            optOutsCheck(),
            TableCheck(
                table: "patients", columns: ["nhs_number", "date_of_birth", "gp_practice", "date_of_death"],
                dates: ["date_of_birth", "date_of_death"],
                rules: personRules("nhs_number", in: "patients") + requiredDateRules("date_of_birth", in: "patients") + [
                    missing("gp_practice", in: "patients"), unreadableDate("date_of_death", in: "patients"),
                ],
                duplicate: DuplicateRule(
                    key: "nhs_digits", order: ["date_of_birth", "gp_practice", "date_of_death"],
                    reason: { line in "\(lit("NHS number already on the spine at line ")) || \(line)" }, field: lit("nhs_number"),
                    value: "nhs_number"),
                warnings: [sentinelWarning("date_of_death")], rowKey: ["nhs_number"]),
            TableCheck(
                table: "practices", columns: ["practice_code", "pct", "locality"], dates: [],
                rules: [missing("practice_code", in: "practices"), missing("pct", in: "practices"), missing("locality", in: "practices")],
                duplicate: DuplicateRule(
                    key: upperASCII("practice_code"), order: ["pct", "locality"],
                    reason: { _ in lit("practice listed twice") }, field: lit("practice_code"), value: upperASCII("practice_code")),
                warnings: [], rowKey: ["practice_code"]),
            TableCheck(
                table: "admissions",
                columns: ["nhs_number", "spell_id", "episode_number", "admission_date", "discharge_date"] + hesColumns + diagnoses,
                dates: ["admission_date", "discharge_date"],
                rules: personRules("nhs_number", in: "admissions") + [missing("spell_id", in: "admissions")]
                    + requiredDateRules("admission_date", in: "admissions")
                    + [unreadableDate("discharge_date", in: "admissions")],
                duplicate: nil,
                warnings: [sentinelWarning("discharge_date")]
                    + (diagnosisList != nil ? [] : diagnoses).map { c in
                        RowRule(
                            condition: "\(c) IS NOT NULL AND \(isNotICD10(c))", reason: lit("not an ICD-10 code: ignored"), field: lit(c),
                            value: c)
                    }
                    + [
                        RowRule(
                            condition: "episode_number IS NOT NULL AND NOT \(isWholeNumber("episode_number"))",
                            reason: lit("not a whole number: read as blank"), field: lit("episode_number"), value: "episode_number")
                    ]
                    + hesColumns.map { c in
                        RowRule(
                            condition: "\(c) IS NOT NULL AND \(isLongHESCode(c))",
                            reason: lit("not a HES code (at most 4 characters): read as blank"), field: lit(c), value: c)
                    },
                rowKey: ["spell_id", "episode_number"]),
            TableCheck(
                table: "prescriptions", columns: ["nhs_number", "issue_date", "bnf_code"], dates: ["issue_date"],
                rules: personRules("nhs_number", in: "prescriptions") + requiredDateRules("issue_date", in: "prescriptions") + [
                    missing("bnf_code", in: "prescriptions"),
                    RowRule(
                        condition: "NOT \(isBNFCode("bnf_code"))", reason: lit("BNF code must be at least 9 characters, A-Z and 0-9 only"),
                        field: lit("bnf_code"), value: "bnf_code"),
                ],
                duplicate: nil, warnings: [], rowKey: ["issue_date", "bnf_code"]),
            TableCheck(
                table: "residence", columns: ["nhs_number", "care_home_code", "from_date", "to_date"],
                dates: ["from_date", "to_date"],
                rules: personRules("nhs_number", in: "residence") + [missing("care_home_code", in: "residence")]
                    + requiredDateRules("from_date", in: "residence") + [
                        unreadableDate("to_date", in: "residence")
                    ],
                duplicate: nil, warnings: [sentinelWarning("to_date")], rowKey: ["care_home_code", "from_date"]),
            TableCheck(
                table: "nominations", columns: ["nhs_number", "nominated_on"], dates: ["nominated_on"],
                rules: personRules("nhs_number", in: "nominations") + requiredDateRules("nominated_on", in: "nominations"), duplicate: nil,
                warnings: [],
                rowKey: ["nominated_on"]),
        ]
    }

    // MARK: - the steps

    /// The line column as read (NULL without `--line-column`).
    var lineField: String { lineColumn.map { dialect.field($0) } ?? "CAST(NULL AS \(dialect.text))" }

    /// `checked_TABLE`: every row, its fields and values, its line and its reason (NULL when
    /// read): `typed_TABLE` reads the values, `ruled_TABLE` numbers the first rule broken,
    /// and (for the spine and the practices) `ranked_TABLE` finds the rows listed twice.
    func checkedCTEs(_ check: TableCheck, excluding: Bool) -> [CTE] {
        let t = check.table
        let fields =
            check.columns.map { "\(read(t, $0)) AS \($0)" } + ["\(lineField) AS line_number"]
            + check.columns.filter { hasDeclaredValues(t, $0) }.map { "\(declaredGiven(t, $0)) AS \($0)_declared" }
        let values =
            (check.hasPerson ? ["\(nhsDigits("nhs_number")) AS nhs_digits"] : [])
            + check.dates.map { "\(dateOf($0, dateFormat(t))) AS \(day($0))" } + (dialect.computedOnce.map { [$0] } ?? [])
        let rules = check.rules.enumerated()
        func words(_ pick: (RowRule) -> String) -> String {
            "CASE rule " + rules.map { "WHEN \($0.offset + 1) THEN \(pick($0.element))" }.joined(separator: " ") + " END"
        }
        let ruled = """
            SELECT v.*,
                   CASE \(rules.map { "WHEN \($0.element.condition) THEN \($0.offset + 1)" }.joined(separator: "\n        "))
                   END AS rule
            FROM typed_\(t) v
            """
        var ctes = [
            CTE(
                "typed_\(t)", "\(t): the fields trimmed (blank as NULL), the NHS number without spaces or hyphens, the dates read.",
                body: """
                    SELECT f.*\(values.map { ",\n       " + $0 }.joined())
                    FROM (SELECT \(fields.joined(separator: ",\n             "))
                          FROM \(source(t))) f
                    """, materialized: true),
            CTE(
                "ruled_\(t)",
                "\(t): the first rule each row breaks, in the engine's order (NULL: none)"
                    + (excluding && check.excludes ? "; the rows of patients who opted out left out." : "."),
                body: excluding && check.excludes
                    ? "SELECT r.*\nFROM (\(ruled.replacingOccurrences(of: "\n", with: "\n      "))) r\n\(excludedFilter)" : ruled),
        ]
        let columns = (check.columns + ["line_number"] + (check.hasPerson ? ["nhs_digits"] : []) + check.dates.map(day))
            .joined(separator: ", ")
        guard let duplicate = check.duplicate else {
            ctes.append(
                CTE(
                    "checked_\(t)", "\(t): each row with the reason the engine would reject it (NULL: read).",
                    body: """
                        SELECT \(columns),
                               \(words(\.reason)) AS reject_reason,
                               \(words(\.field)) AS reject_field,
                               \(words(\.value)) AS reject_value,
                               CASE WHEN rule IS NULL THEN 1 END AS accepted
                        FROM ruled_\(t)
                        """, materialized: true))
            return ctes
        }
        let order = (lineColumn == nil ? [] : ["CAST(line_number AS BIGINT)"]) + duplicate.order.map { "coalesce(\($0), '')" }
        let window = "PARTITION BY CASE WHEN rule IS NULL THEN \(duplicate.key) END ORDER BY \(order.joined(separator: ", "))"
        let twice = "rule IS NULL AND duplicate_rank > 1"
        ctes.append(
            CTE(
                "ranked_\(t)", "Rows read with the same key, in line order: all but the first are listed twice.",
                body: """
                    SELECT r.*,
                           row_number() OVER (\(window)) AS duplicate_rank,
                           first_value(line_number) OVER (\(window)) AS first_line
                    FROM ruled_\(t) r
                    """))
        ctes.append(
            CTE(
                "checked_\(t)", "\(t): each row with the reason the engine would reject it (NULL: read).",
                body: """
                    SELECT \(columns),
                           CASE WHEN \(twice) THEN \(duplicate.reason("coalesce(first_line, '?')")) ELSE \(words(\.reason)) END AS reject_reason,
                           CASE WHEN \(twice) THEN \(duplicate.field) ELSE \(words(\.field)) END AS reject_field,
                           CASE WHEN \(twice) THEN \(duplicate.value) ELSE \(words(\.value)) END AS reject_value,
                           CASE WHEN rule IS NULL AND duplicate_rank = 1 THEN 1 END AS accepted
                    FROM ranked_\(t)
                    """, materialized: true))
        return ctes
    }

    /// Leaves out the rows, whose NHS number passes the person rules, of patients who opted out.
    private var excludedFilter: String {
        """
        WHERE NOT (coalesce(r.rule, 99) > \(personRuleCount) AND r.nhs_digits IN (SELECT nhs FROM opted_out))
        """
    }

    /// The rows of a checked table that are read, as a FROM item named `f`.
    ///
    /// Tested as `accepted IS NOT NULL` (1 for a row read, NULL for a reject) rather than
    /// `reject_reason IS NULL`: without statistics PostgreSQL guesses that 0.5% of rows pass an
    /// IS NULL test and 99.5% an IS NOT NULL one, and the first guess made it plan nested loops
    /// over thousands of rows.
    func accepted(_ table: String) -> String { "(SELECT * FROM checked_\(table) WHERE accepted IS NOT NULL) f" }
}

/// The opt-outs: opt_outs' own checks, and `opted_out`, the patients the policy excludes (with
/// the national service's cleared list, the spine patients it lacks too), whose rows every
/// other table of patients leaves out before any check but the person's.
extension WarehouseSQL {
    /// The opt-outs' rules (`ExtractReader.readOptOuts`): a row with a valid NHS number is
    /// honoured whatever else is wrong with it (see `optedOutCTE`); its date and type are
    /// reported.
    func optOutsCheck() -> TableCheck {
        TableCheck(
            table: "opt_outs", columns: ["nhs_number", "type", "recorded_date"], dates: ["recorded_date"],
            rules: personRules("nhs_number", in: "opt_outs") + [
                unreadableDate("recorded_date", in: "opt_outs"), missing("type", in: "opt_outs"),
                RowRule(
                    condition: "lower(type) NOT IN ('type1', 'ndoo')",
                    reason: lit("type must be type1 or ndoo (the opt-out is honoured under every policy but none)"), field: lit("type"),
                    value: "lower(type)"),
            ], duplicate: nil, warnings: [sentinelWarning("recorded_date")], rowKey: ["type", "recorded_date"])
    }

    /// The rules before which an excluded patient's row is dropped: the person's (an invalid
    /// NHS number cannot be anyone's, so it is a reject).
    var personRuleCount: Int { personRules("nhs_number", in: "patients").count }

    /// `opted_out`: the patients the policy excludes. A valid NHS number in `opt_outs` whose
    /// type the policy names, or whose type is missing or unreadable (honoured under every
    /// policy but none: fail safe), whatever its date.
    ///
    /// With the national service's cleared list (`ndooCleared`, when the policy names ndoo),
    /// every spine patient with a valid NHS number that the list does not hold too, read from
    /// the spine as typed (the step comes after typed_patients, before the spine's rules).
    func optedOutCTE() -> CTE {
        let named = optOuts.types.sorted().map { lit($0.rawValue) }.joined(separator: ", ")
        var body = """
            SELECT DISTINCT nhs_digits AS nhs
            FROM ruled_opt_outs
            WHERE coalesce(rule, 99) > \(personRuleCount)
              AND (type IS NULL OR lower(type) NOT IN ('type1', 'ndoo') OR lower(type) IN (\(named)))
            """
        if appliesClearedList {
            body += """

                UNION
                SELECT DISTINCT t.nhs_digits AS nhs
                FROM typed_patients t
                WHERE \(isNHSNumber(digits: "t.nhs_digits"))
                  AND NOT EXISTS (SELECT 1 FROM ndoo_cleared_numbers c WHERE c.nhs = t.nhs_digits)
                """
        }
        return CTE(
            "opted_out",
            "Patients excluded under the opt-out policy \(optOuts)"
                + (appliesClearedList ? ", and spine patients missing from the national service's cleared list" : "")
                + ": their rows play no part and are not listed as rejects.",
            body: body)
    }

    /// Whether spine patients missing from the cleared list are excluded: a list is given and
    /// the policy names ndoo.
    var appliesClearedList: Bool { ndooCleared != nil && optOuts.types.contains(.ndoo) }

    /// `ndoo_cleared_numbers`: the cleared list's NHS numbers, without spaces or hyphens.
    func clearedNumbersCTE(_ table: String) -> CTE {
        CTE(
            "ndoo_cleared_numbers", "The national data opt-out service's cleared list (\(table)): the NHS numbers that may be processed.",
            body: "SELECT DISTINCT \(nhsDigits(dialect.field("nhs_number"))) AS nhs\nFROM \(table)")
    }
}

/// The rules of each field reader of the engine (RowContext's `person`, `date`, the required
/// fields), as the row checks use them: conditions on a checked table's fields, and the reason,
/// field and value the engine reports. `t` is the contract table, whose mapping may declare
/// missing values or another date format.
extension WarehouseSQL {
    /// `RowContext.rejectMissing`: a required field that is blank, or holds a value the mapping
    /// declares missing (then named, with the value as given).
    func missing(_ c: String, in t: String) -> RowRule {
        guard hasDeclaredValues(t, c) else {
            return RowRule(condition: "\(c) IS NULL", reason: lit("missing required field"), field: lit(c), value: "''")
        }
        return RowRule(
            condition: "\(c) IS NULL",
            reason:
                "CASE WHEN \(c)_declared IS NOT NULL THEN \(lit("missing required field (the mapping declares this value missing)")) ELSE \(lit("missing required field")) END",
            field: lit(c), value: "coalesce(\(c)_declared, '')")
    }

    /// `RowContext.person`: missing, or not a valid NHS number (an opaque key: any text).
    func personRules(_ c: String, in t: String) -> [RowRule] {
        guard !opaquePeople else { return [missing(c, in: t)] }
        return [
            missing(c, in: t),
            RowRule(
                condition: "NOT \(isNHSNumber(digits: "nhs_digits"))",
                reason: lit("not a valid NHS number (10 digits with a Modulus 11 check digit)"), field: lit(c), value: c),
        ]
    }

    /// `RowContext.date(required: true)`: missing, unreadable, or a sentinel.
    func requiredDateRules(_ c: String, in t: String) -> [RowRule] {
        [
            missing(c, in: t),
            unreadableDate(c, in: t),
            RowRule(
                condition: isSentinel(c),
                reason: lit("date before \(criteria.missingBefore) is a sentinel for missing, and this field is required"), field: lit(c),
                value: c),
        ]
    }

    /// `RowContext.date(required: false)`: blank is fine, unreadable rejects.
    func unreadableDate(_ c: String, in t: String) -> RowRule {
        RowRule(
            condition: "\(c) IS NOT NULL AND \(day(c)) IS NULL", reason: lit("unreadable date (expected \(dateFormat(t).rawValue))"),
            field: lit(c), value: c)
    }

    /// The warning of an optional date that is a sentinel: read as blank.
    func sentinelWarning(_ c: String) -> RowRule {
        RowRule(
            condition: isSentinel(c), reason: lit("date before \(criteria.missingBefore) is a sentinel for missing: read as blank"),
            field: lit(c), value: c)
    }
}

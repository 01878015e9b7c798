import CaseCore

/// A look-back window ending on the as-of date D.
public enum Window: Sendable, Equatable, CustomStringConvertible {
    /// After the same calendar day N months before D (the last day of that month when the day
    /// does not exist), and on or before D: 12 months at 2026-11-22 is 2025-11-23...2026-11-22.
    case months(Int)
    /// D-N < date <= D.
    case days(Int)

    /// The last day before the window (exclusive start).
    public func dayBefore(_ asOf: Day) -> Day {
        switch self {
        case .months(let n): return asOf.subtracting(months: n)
        case .days(let n): return asOf.adding(days: -n)
        }
    }

    public func contains(_ day: Day, asOf: Day) -> Bool { day > dayBefore(asOf) && day <= asOf }

    /// The first and last days of the window at `asOf`.
    public func span(_ asOf: Day) -> (first: Day, last: Day) { (dayBefore(asOf).adding(days: 1), asOf) }

    public var description: String {
        switch self {
        case .months(let n): return "\(n) months"
        case .days(let n): return "\(n) days"
        }
    }
}

/// A code list entry: a pattern, what it means, and an optional minimum age for it to count
/// (R11 nausea and vomiting only at 70 and over).
public struct CodeRule: Sendable, Equatable {
    public var pattern: CodePattern
    public var label: String
    public var minAge: Int?
}

/// A named group of codes (a chronic condition) for `conditions` criteria.
public struct CodeGroup: Sendable, Equatable {
    public var name: String
    public var patterns: [CodePattern]
}

/// What one criterion tests. Each case is one kind of evidence in the extracts.
public enum CriterionKind: Sendable, Equatable {
    /// An admission (spell) dated in the window carries one of the codes in any diagnosis
    /// position of any of its episodes.
    case diagnosis(window: Window, codes: [CodeRule])
    /// At least `minCount` admissions (continuous stays) dated in the window.
    case admissions(window: Window, minCount: Int)
    /// A register entry covering D (when `register`), or the latest admission in the window
    /// (every spell on the latest admission date) has a care-home source or destination code.
    case careHome(register: Bool, window: Window, admissionSources: Set<ShortCode>, dischargeDestinations: Set<ShortCode>)
    /// At least `minDistinct` distinct substances from the chapters issued in the window.
    case polypharmacy(window: Window, minDistinct: Int, chapters: ClosedRange<Int>)
    /// A nomination dated on or before D.
    case nomination
    /// At least `minGroups` distinct code groups in admissions dated in the window.
    case conditions(window: Window, minGroups: Int, groups: [CodeGroup])
}

/// One criterion of a set, with its rank (1 is the highest priority).
public struct Criterion: Sendable, Equatable {
    public var id: String
    public var rank: Int
    public var label: String
    public var kind: CriterionKind
}

/// Which spells are admissions and how transfers join them into continuous stays.
public struct SpellRules: Sendable, Equatable {
    /// A spell whose episodes all have one of these classifications is not an admission
    /// (regular day and night attenders, 3 and 4).
    public var regularAttenderClassifications: Set<ShortCode>
    /// An admission with one of these methods (2B, 81) or sources (51-53) is a transfer in.
    public var transferMethods: Set<ShortCode>
    public var transferSources: Set<ShortCode>
    /// A transfer joins the stay before it when it begins 0...maxGapDays after its latest discharge.
    public var transferMaxGapDays: Int
}

/// Who can be case-found at all.
public struct Population: Sendable, Equatable {
    public var minAge: Int
    /// HES discharge methods that mean death (`4`).
    public var deathDischargeMethods: Set<ShortCode>
}

/// Which risk model ranks the case-found patients.
public struct RiskSettings: Sendable, Equatable {
    /// The points table file, resolved against the criteria file's folder.
    public var tablePath: String
    /// Admissions dated in this window count (24 months for HFRS).
    public var window: Window
}

/// A criteria set: the data a locality can change without code (criteria/*.yaml).
public struct CriteriaSet: Sendable, Equatable {
    public var id: String
    public var title: String
    public var source: String
    public var population: Population
    /// Dates before this day are sentinels for "missing".
    public var missingBefore: Day
    public var spells: SpellRules
    /// In rank order.
    public var criteria: [Criterion]
    /// Allowed caseload_max values for case_managers.csv.
    public var caseloadLimits: ClosedRange<Int>
    /// Percent of every caseload kept for incident patients (rounded down per case manager).
    public var reservePercent: Int
    /// The risk model; nil when the set ranks by criteria only.
    public var risk: RiskSettings?
    /// The deployment's opt-out policy (`opt_outs:`), when the file states one; `--opt-outs`
    /// overrides it, and without either the default excludes both types.
    public var optOuts: OptOutPolicy?

    /// The window for the `admissions` column of cases.csv: the first admissions criterion's,
    /// or 12 months.
    public var admissionsReportWindow: Window {
        for c in criteria { if case .admissions(let w, _) = c.kind { return w } }
        return .months(12)
    }

    /// The window for the `distinct_drugs` column: the first polypharmacy criterion's, or 84 days.
    public var drugsReportWindow: (Window, ClosedRange<Int>) {
        for c in criteria { if case .polypharmacy(let w, _, let ch) = c.kind { return (w, ch) } }
        return (.days(84), 1...15)
    }

    /// The longest prescription window any rule or report column looks at, in days from D.
    public var prescriptionHorizon: (Day) -> Day {
        let window = drugsReportWindow.0
        var windows = [window]
        for c in criteria { if case .polypharmacy(let w, _, _) = c.kind { windows.append(w) } }
        return { asOf in windows.map { $0.dayBefore(asOf) }.min()! }
    }
}

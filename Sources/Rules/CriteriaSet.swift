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

    public func contains(_ day: Day, asOf: Day) -> Bool { bounds(asOf).contains(day) }

    /// The window's days at `asOf`, worked out once for a loop (a months window is calendar
    /// arithmetic).
    public func bounds(_ asOf: Day) -> Bounds { Bounds(after: dayBefore(asOf), through: asOf) }

    /// The days after `after` and on or before `through`.
    public struct Bounds: Sendable {
        public let after: Day
        public let through: Day
        @inline(__always) public func contains(_ day: Day) -> Bool { day > after && day <= through }
    }

    /// The first and last days of the window at `asOf`.
    public func span(_ asOf: Day) -> (first: Day, last: Day) { (dayBefore(asOf).adding(days: 1), asOf) }

    public var description: String {
        switch self {
        case .months(let n): return "\(n) months"
        case .days(let n): return "\(n) days"
        }
    }
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

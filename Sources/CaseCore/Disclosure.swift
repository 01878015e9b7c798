/// Disclosure control for the aggregates a planner shares (small-number suppression).
///
/// NHS Digital's HES rule, the default: a count of 1 to 7 patients is shown as `*`, every other
/// count is rounded to the nearest 5 (halves up: 8 and 12 are 10, 13 is 15), and 0 stays 0.
/// UK LLC's rule suppresses zero too, with a threshold of 10. Under ``Mode/none`` every figure is
/// exact (for direct care and internal use only).
///
/// The shape of the API keeps the two classic leaks out:
/// - a total is released from the exact cells (``release(cells:)``, ``releaseTotal(of:)``):
///   ``ReleasedCount`` has no arithmetic, so released cells cannot be summed;
/// - a figure derived from counts (a mean, median or percentage, or a count about a group of
///   patients such as their bed days) is shown only when none of the counts it is computed from
///   is suppressed (``figure(_:from:)``, ``release(_:within:)``). It is then computed from the
///   exact figures.
public struct DisclosurePolicy: Sendable, Equatable, CustomStringConvertible {
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// Small counts suppressed, the others rounded.
        case suppress
        /// Every figure exact.
        case none
    }

    public var mode: Mode
    /// Counts from 1 up to and including this are suppressed.
    public var threshold: Int
    /// Every count not suppressed is rounded to the nearest multiple of this (1: not rounded).
    public var roundingBase: Int
    /// Suppress 0 as well (UK LLC).
    public var suppressZero: Bool

    public init(mode: Mode = .suppress, threshold: Int = 7, roundingBase: Int = 5, suppressZero: Bool = false) {
        precondition(threshold >= 0 && roundingBase >= 1, "threshold must be 0 or more and the rounding base 1 or more")
        self.mode = mode
        self.threshold = threshold
        self.roundingBase = roundingBase
        self.suppressZero = suppressZero
    }

    /// NHS Digital's HES rule: 1 to 7 suppressed, the rest rounded to the nearest 5.
    public static let hes = DisclosurePolicy()
    /// UK LLC's rule: 0 to 10 suppressed, the rest rounded to the nearest 5.
    public static let ukLLC = DisclosurePolicy(threshold: 10, suppressZero: true)
    /// Everything exact.
    public static let unsuppressed = DisclosurePolicy(mode: .none)

    public var suppresses: Bool { mode == .suppress }

    /// One count of patients (or of their admissions), as it may be shown. `count` is 0 or more.
    public func release(_ count: Int) -> ReleasedCount {
        precondition(count >= 0, "a count is 0 or more")
        guard mode == .suppress else { return .exact(count) }
        if count == 0 { return suppressZero ? .suppressed : .rounded(0) }
        if count <= threshold { return .suppressed }
        return .rounded((count * 2 + roundingBase) / (roundingBase * 2) * roundingBase)
    }

    /// A count about a group of patients (their admissions, bed days, outcomes within target):
    /// suppressed when the count of any of `groups` is, else released by the rule like any count.
    public func release(_ count: Int, within groups: ReleasedCount...) -> ReleasedCount {
        groups.contains(where: \.isSuppressed) ? .suppressed : release(count)
    }

    /// A total, summed from the exact cells and then released.
    public func releaseTotal(of cells: some Sequence<Int>) -> ReleasedCount {
        release(cells.reduce(0, +))
    }

    /// A row (or column) of cells and its total: each cell released, the total summed exactly
    /// and then released.
    public func release(cells: [Int]) -> ReleasedCells {
        ReleasedCells(cells: cells.map(release), total: releaseTotal(of: cells))
    }

    /// A figure computed from counts (a mean, a median, a percentage): shown only when none of
    /// `bases`, the released counts it is computed from, is suppressed. `value` nil means "not
    /// applicable" (no denominator), which still gives ``ReleasedFigure/suppressed`` when a
    /// base is suppressed, so that a blank cannot tell a suppressed zero from a small count.
    public func figure<Value>(_ value: Value?, from bases: ReleasedCount...) -> ReleasedFigure<Value> {
        if bases.contains(where: \.isSuppressed) { return .suppressed }
        return value.map { .shown($0) } ?? .notApplicable
    }

    /// The rule in words, for the top of a report: "Small numbers suppressed: counts of 1 to 7
    /// shown as *, others rounded to the nearest 5. ...".
    public var description: String {
        guard mode == .suppress else {
            return "Unsuppressed numbers: small counts are shown exactly. For direct care and internal use only."
        }
        let low = suppressZero ? 0 : 1
        let rounding = roundingBase == 1 ? "shown exactly" : "rounded to the nearest \(roundingBase)"
        guard threshold >= low else { return "No counts suppressed: counts \(rounding)." }
        let range = low == threshold ? "\(low)" : "\(low) to \(threshold)"
        return "Small numbers suppressed: counts of \(range) shown as *, others \(rounding)."
            + " A mean, median or percentage computed from a suppressed count is shown as *."
    }
}

/// A count as it may be shown: exact (no suppression), rounded, or suppressed (`*`). It has no
/// arithmetic on purpose: a total is released from exact counts, never summed from released ones.
public enum ReleasedCount: Sendable, Equatable, CustomStringConvertible {
    /// Under ``DisclosurePolicy/Mode/none``.
    case exact(Int)
    /// Not suppressed: rounded to the policy's base (which may leave it as it was).
    case rounded(Int)
    /// Shown as `*`.
    case suppressed

    /// The figure shown; nil when suppressed.
    public var value: Int? {
        switch self {
        case .exact(let n), .rounded(let n): n
        case .suppressed: nil
        }
    }

    public var isSuppressed: Bool { self == .suppressed }

    /// `*`, or the number in `format` (plain digits by default).
    public func text(_ format: (Int) -> String = { String($0) }) -> String { value.map(format) ?? "*" }

    /// `*` or the number.
    public var description: String { text() }
}

/// Cells released with their total (summed from the exact cells, then released).
public struct ReleasedCells: Sendable, Equatable {
    public var cells: [ReleasedCount]
    public var total: ReleasedCount

    public init(cells: [ReleasedCount], total: ReleasedCount) {
        self.cells = cells
        self.total = total
    }
}

/// A derived figure (mean, median, percentage) as it may be shown.
public enum ReleasedFigure<Value> {
    case shown(Value)
    /// No value to show (no denominator); written as the file's usual blank.
    case notApplicable
    /// Computed from a suppressed count: shown as `*`.
    case suppressed

    public var value: Value? {
        if case .shown(let v) = self { return v }
        return nil
    }

    /// The value in `format`, `*` when suppressed, `notApplicable` (default: empty) otherwise.
    public func text(notApplicable: String = "", _ format: (Value) -> String) -> String {
        switch self {
        case .shown(let v): format(v)
        case .notApplicable: notApplicable
        case .suppressed: "*"
        }
    }
}

extension ReleasedFigure: Sendable where Value: Sendable {}
extension ReleasedFigure: Equatable where Value: Equatable {}

/// The per-locality tables: case-found patients by priority and by risk band, the scoping
/// against expected numbers, and the places in each locality and on each caseload.
extension ReportModel {
    /// A column of a locality table: a priority (criterion) or a risk band.
    public struct Column: Sendable, Equatable {
        /// Short name shown in the table head and the legend (`1`, `P1`, `high`).
        public var id: String
        /// Longer description shown under it; may be empty.
        public var label: String

        public init(id: String, label: String = "") {
            self.id = id
            self.label = label
        }
    }

    /// One locality's counts, one per column of the table it belongs to, in column order.
    public struct LocalityCounts: Sendable, Equatable {
        public var locality: String
        public var counts: [Int]

        public init(locality: String, counts: [Int]) {
            self.locality = locality
            self.counts = counts
        }
    }

    /// Case-found patients per locality and priority.
    public struct Priorities: Sendable, Equatable {
        /// The priorities in rank order.
        public var columns: [Column]
        public var localities: [LocalityCounts]

        public init(columns: [Column] = [], localities: [LocalityCounts] = []) {
            self.columns = columns
            self.localities = localities
        }
    }

    /// Case-found patients per risk band, overall and per locality.
    public struct RiskBands: Sendable, Equatable {
        /// The bands, lowest risk first.
        public var bands: [Column]
        /// One count per band.
        public var overall: [Int]
        public var localities: [LocalityCounts]
        /// Shown beside the figures (the model's validation range and how many it does not cover).
        public var caveat: String

        public init(bands: [Column], overall: [Int], localities: [LocalityCounts], caveat: String) {
            self.bands = bands
            self.overall = overall
            self.localities = localities
            self.caveat = caveat
        }
    }

    /// A line of the scoping table (Table one of the Essex framework, with what was found).
    public struct ScopingLine: Sendable, Equatable {
        public enum Kind: String, Sendable, Equatable {
            case locality, pctSubtotal, total
        }

        public var kind: Kind
        /// The locality; for a subtotal or the total, the text of its first cell ("Mid Essex", "Total").
        public var locality: String
        /// The primary care trust.
        public var pct: String
        public var expectedPatients: Int?
        /// 25 percent of the expected patients.
        public var firstTranche: Int?
        public var found: Int
        /// Case managers needed to clear the waiting list; nil when not applicable.
        public var caseManagersNeeded: Int?
        /// The need is computed from a suppressed count (or, for a subtotal or total, sums one
        /// that is): shown as `*`. Set by the caller (``ScopingRow/releasedNeed(of:among:policy:)``).
        public var caseManagersNeededSuppressed = false

        public init(
            kind: Kind = .locality, locality: String, pct: String, expectedPatients: Int?, firstTranche: Int?, found: Int,
            caseManagersNeeded: Int?
        ) {
            self.kind = kind
            self.locality = locality
            self.pct = pct
            self.expectedPatients = expectedPatients
            self.firstTranche = firstTranche
            self.found = found
            self.caseManagersNeeded = caseManagersNeeded
        }
    }

    /// A locality's places and where its case-found patients went.
    public struct LocalityCapacity: Sendable, Equatable {
        public var locality: String
        /// Sum of caseload_max over the active case managers.
        public var capacity: Int
        /// Places kept back by the reserve.
        public var reserved: Int
        public var allocated: Int
        public var waiting: Int
        public var noCapacity: Int

        public init(locality: String, capacity: Int, reserved: Int, allocated: Int, waiting: Int, noCapacity: Int) {
            self.locality = locality
            self.capacity = capacity
            self.reserved = reserved
            self.allocated = allocated
            self.waiting = waiting
            self.noCapacity = noCapacity
        }
    }

    /// One case manager's caseload.
    public struct CaseManagerLoad: Sendable, Equatable {
        public var id: String
        public var locality: String
        public var caseloadMax: Int
        /// Places kept back by the reserve, in patients.
        public var reserve: Int
        /// Patients on the caseload.
        public var allocated: Int

        public init(id: String, locality: String, caseloadMax: Int, reserve: Int, allocated: Int) {
            self.id = id
            self.locality = locality
            self.caseloadMax = caseloadMax
            self.reserve = reserve
            self.allocated = allocated
        }
    }
}

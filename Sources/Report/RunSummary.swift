import CaseCore
import Foundation

/// summary.json: what was read and what was found. Byte-identical when the same command runs
/// again on the same inputs, so it holds no wall-clock times: those go to `--timings FILE`,
/// the state store (`casefind history`) and the progress lines.
public struct RunSummary: Codable, Sendable {
    public struct Criteria: Codable, Sendable {
        public var id: String
        public var path: String
        public var sha256: String
        public init(id: String, path: String, sha256: String) {
            self.id = id
            self.path = path
            self.sha256 = sha256
        }
    }

    public struct Input: Codable, Sendable {
        public var file: String
        public var present: Bool
        public var sha256: String?
        public var bytes: Int
        public var read: Int
        public var accepted: Int
        public var rejected: Int
        public var unregistered: Int
        public var warnings: Int
        /// Rows of patients excluded under the opt-out policy: read = accepted + rejected + opted_out.
        public var optedOut: Int
        public init(
            file: String, present: Bool, sha256: String?, bytes: Int, read: Int, accepted: Int, rejected: Int, unregistered: Int,
            warnings: Int, optedOut: Int = 0
        ) {
            self.optedOut = optedOut
            self.file = file
            self.present = present
            self.sha256 = sha256
            self.bytes = bytes
            self.read = read
            self.accepted = accepted
            self.rejected = rejected
            self.unregistered = unregistered
            self.warnings = warnings
        }

        /// The parts of an extract delivered as several files (a folder of parts, a glob), in
        /// the order read; nil for one file, plain or gzip (whose sha256 and bytes are the file's
        /// as delivered). The extract's counts are the parts' totals, and its sha256 is over
        /// theirs (`FileStats.combinedDigest`). Each part is a line of the same shape, its file
        /// relative to the extracts folder.
        public var parts: [Input]?

        enum CodingKeys: String, CodingKey {
            case file, present, sha256, bytes, read, accepted, rejected, unregistered, warnings, optedOut = "opted_out", parts
        }
    }

    /// The opt-out policy applied and what it excluded: the only trace of those patients.
    public struct OptOuts: Codable, Sendable {
        /// `type1,ndoo`, `type1`, `ndoo` or `none`.
        public var policy: String
        /// Spine patients excluded, in all and per type (a patient with both types counts in each).
        public var excluded: Int
        public var type1: Int
        public var ndoo: Int
        /// SHA-256 of the national service's cleared list, when one was given.
        public var ndooClearedSHA256: String?
        /// People removed from the state store by this run (recorded before they opted out),
        /// and of those, how many were on a caseload.
        public var removedFromState: Int
        public var removedFromCaseloads: Int

        public init(
            policy: String, excluded: Int, type1: Int, ndoo: Int, ndooClearedSHA256: String?, removedFromState: Int,
            removedFromCaseloads: Int
        ) {
            self.policy = policy
            self.excluded = excluded
            self.type1 = type1
            self.ndoo = ndoo
            self.ndooClearedSHA256 = ndooClearedSHA256
            self.removedFromState = removedFromState
            self.removedFromCaseloads = removedFromCaseloads
        }

        enum CodingKeys: String, CodingKey {
            case policy, excluded, type1, ndoo, ndooClearedSHA256 = "ndoo_cleared_sha256", removedFromState = "removed_from_state"
            case removedFromCaseloads = "removed_from_caseloads"
        }
    }

    public var casefindVersion: String
    public var command: String
    public var asOf: String
    public var criteria: Criteria
    public var mapping: String
    public var inputs: [Input]
    public var registered: Int
    public var unmappedPractice: Int
    /// Registered patients at a practice code that means "no registered practice" (V81997...).
    public var noRegisteredPractice = 0
    public var caseFound: Int
    public var perPriority: [String: Int]
    public var perCriterion: [String: Int]
    public var perLocality: [String: Int]
    public var rejects: Int
    public var warnings: Int
    public var exceptions: Int
    /// The risk table used (id, path, sha256); nil without a risk model.
    public var risk: Criteria?
    public var reservePercent: Int
    /// Patients newly case-found (incidence runs only).
    public var incident: Int?
    /// Patients case-found or on a caseload at the baseline run who no longer qualify.
    public var lapsed: Int
    /// Per locality: found, capacity, reserved, allocated, waiting, no capacity.
    public var capacity: [ScopingRow]
    public var optOuts: OptOuts?
    /// The disclosure control applied to the shared aggregates (summary.json's own counts are exact).
    public var disclosure = Disclosure(DisclosurePolicy.hes)
    /// Files in the extracts folder that look like extracts but were not read, each as the
    /// run's warning put it; nil when there were none.
    public var unreadFiles: [String]?
    /// The BNF map dm+d ids were read through; nil when none was given.
    public var bnfMap: BNFMapUse?
    public init(
        casefindVersion: String, command: String, asOf: String, criteria: Criteria, mapping: String, inputs: [Input], registered: Int,
        unmappedPractice: Int, caseFound: Int, perPriority: [String: Int], perCriterion: [String: Int], perLocality: [String: Int],
        rejects: Int, warnings: Int, exceptions: Int, risk: Criteria?, reservePercent: Int, incident: Int?, lapsed: Int,
        capacity: [ScopingRow]
    ) {
        self.casefindVersion = casefindVersion
        self.command = command
        self.asOf = asOf
        self.criteria = criteria
        self.mapping = mapping
        self.inputs = inputs
        self.registered = registered
        self.unmappedPractice = unmappedPractice
        self.caseFound = caseFound
        self.perPriority = perPriority
        self.perCriterion = perCriterion
        self.perLocality = perLocality
        self.rejects = rejects
        self.warnings = warnings
        self.exceptions = exceptions
        self.risk = risk
        self.reservePercent = reservePercent
        self.incident = incident
        self.lapsed = lapsed
        self.capacity = capacity
    }

    enum CodingKeys: String, CodingKey {
        case casefindVersion = "casefind_version", command, asOf = "as_of", criteria, mapping, inputs, registered
        case unmappedPractice = "unmapped_practice", noRegisteredPractice = "no_registered_practice", caseFound = "case_found",
            perPriority = "per_priority"
        case perCriterion = "per_criterion", perLocality = "per_locality", rejects, warnings, exceptions, risk
        case reservePercent = "reserve_percent", incident, lapsed, capacity, optOuts = "opt_outs", disclosure
        case unreadFiles = "unread_files", bnfMap = "bnf_map"
    }

    public func json() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data()) + [10]
    }
}

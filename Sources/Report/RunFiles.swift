import CaseCore
import Foundation

/// One case-found patient as written to cases.csv.
public struct CaseRow: Sendable, Equatable {
    public var nhsNumber: String
    public var practice: String
    public var pct: String
    public var locality: String
    public var age: Int
    public var priority: Int
    /// Ids of the criteria met, in rank order.
    public var criteria: [String]
    /// Matched normalised frailty codes, sorted.
    public var frailtyCodes: [String]
    public var admissions: Int
    public var distinctDrugs: Int
    public var careHome: Bool
    public var nominated: Bool

    public init(
        nhsNumber: String, practice: String, pct: String, locality: String, age: Int, priority: Int, criteria: [String],
        frailtyCodes: [String], admissions: Int, distinctDrugs: Int, careHome: Bool, nominated: Bool
    ) {
        self.nhsNumber = nhsNumber
        self.practice = practice
        self.pct = pct
        self.locality = locality
        self.age = age
        self.priority = priority
        self.criteria = criteria
        self.frailtyCodes = frailtyCodes
        self.admissions = admissions
        self.distinctDrugs = distinctDrugs
        self.careHome = careHome
        self.nominated = nominated
    }
}

/// A patient who is not case-found although something asked for them (a nomination of a
/// patient under the minimum age or dead).
public struct ExceptionRow: Sendable, Equatable {
    public var nhsNumber: String
    /// `under_65` (the population's minimum age) or `dead`.
    public var reason: String
    public var detail: String

    public init(nhsNumber: String, reason: String, detail: String) {
        self.nhsNumber = nhsNumber
        self.reason = reason
        self.detail = detail
    }
}

/// The planners' and checkers' files of a run, as bytes.
public enum RunFiles {
    public static let casesHeader = [
        "nhs_number", "gp_practice", "pct", "locality", "age", "priority", "criteria", "frailty_codes", "admissions",
        "distinct_drugs", "care_home", "nominated", "risk_score", "risk_band", "status", "case_manager_id", "waiting_position",
    ]

    /// cases.csv. Risk and allocation columns stay empty until those stages run.
    public static func cases(_ rows: [CaseRow]) -> [UInt8] {
        var t = CSVText(header: casesHeader)
        for r in rows {
            t.append([
                r.nhsNumber, r.practice, r.pct, r.locality, String(r.age), String(r.priority), r.criteria.joined(separator: ";"),
                r.frailtyCodes.joined(separator: ";"), String(r.admissions), String(r.distinctDrugs), r.careHome ? "Y" : "N",
                r.nominated ? "Y" : "N", "", "", "", "", "",
            ])
        }
        return t.bytes
    }

    /// attrition.csv: the funnel, one step a row, in people.
    public static func attrition(_ steps: [(step: String, patients: Int)]) -> [UInt8] {
        var t = CSVText(header: ["step", "patients"])
        for s in steps { t.append([s.step, String(s.patients)]) }
        return t.bytes
    }

    /// exceptions.csv.
    public static func exceptions(_ rows: [ExceptionRow]) -> [UInt8] {
        var t = CSVText(header: ["nhs_number", "reason", "detail"])
        for r in rows { t.append([r.nhsNumber, r.reason, r.detail]) }
        return t.bytes
    }
}

/// summary.json: what was read, what was found, how long it took.
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
        public init(
            file: String, present: Bool, sha256: String?, bytes: Int, read: Int, accepted: Int, rejected: Int, unregistered: Int,
            warnings: Int
        ) {
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
    }

    public var casefindVersion: String
    public var command: String
    public var asOf: String
    public var criteria: Criteria
    public var mapping: String
    public var inputs: [Input]
    public var registered: Int
    public var unmappedPractice: Int
    public var caseFound: Int
    public var perPriority: [String: Int]
    public var perCriterion: [String: Int]
    public var perLocality: [String: Int]
    public var rejects: Int
    public var warnings: Int
    public var exceptions: Int
    /// Wall-clock seconds per stage.
    public var timings: [String: Double]

    public init(
        casefindVersion: String, command: String, asOf: String, criteria: Criteria, mapping: String, inputs: [Input], registered: Int,
        unmappedPractice: Int, caseFound: Int, perPriority: [String: Int], perCriterion: [String: Int], perLocality: [String: Int],
        rejects: Int, warnings: Int, exceptions: Int, timings: [String: Double]
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
        self.timings = timings
    }

    enum CodingKeys: String, CodingKey {
        case casefindVersion = "casefind_version", command, asOf = "as_of", criteria, mapping, inputs, registered
        case unmappedPractice = "unmapped_practice", caseFound = "case_found", perPriority = "per_priority"
        case perCriterion = "per_criterion", perLocality = "per_locality", rejects, warnings, exceptions, timings
    }

    public func json() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data()) + [10]
    }
}

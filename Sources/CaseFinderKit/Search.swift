import Allocate
import CaseCore
import Foundation
import Stratify

/// The outcome of applying the criteria to every registered patient.
public struct SearchResult {
    /// Case-found patients, sorted by locality, then allocation order: priority, risk score
    /// (highest first), admissions (most first), NHS number.
    public var cases: [CaseRecord]
    /// The same patients as allocation candidates, index for index.
    public var candidates: [Candidate]
    public var exceptions: [ExceptionRow]
    /// The funnel: registered, alive, aged N+, each criterion, any criterion.
    public var attrition: [(step: String, patients: Int)]
    public var unmappedPractice: Int
    /// Registered patients at a practice code that means "no registered practice".
    public var noRegisteredPractice = 0
    public var timings: [String: Double]
}

extension Pipeline {
    /// Applies the criteria and the risk model to every registered patient, and puts the
    /// case-found in allocation order within each locality.
    /// - Parameter releasingFacts: free the patients' activity as they are evaluated, and
    ///   everything held per patient after (`FactStore.releasePatients`): for a run that needs
    ///   the facts for nothing else.
    public static func search(_ loaded: LoadedExtracts, threads: Int = 2, releasingFacts: Bool = false) -> SearchResult {
        let start = Date()
        let criteria = loaded.criteria
        var found = CaseSearch.run(
            store: loaded.store, people: loaded.reader.people, criteria: criteria, risk: loaded.risk, asOf: loaded.options.asOf,
            threads: threads, releasing: releasingFacts, noRegisteredPractice: loaded.mapping.noRegisteredPractice)
        var cases = found.cases
        found.cases = []
        var candidates = cases.map {
            Candidate(key: $0.nhsNumber, locality: $0.locality, priority: $0.priority, riskTenths: $0.riskTenths, admissions: $0.admissions)
        }
        let order = candidates.indices.sorted { a, b in
            candidates[a].locality != candidates[b].locality
                ? candidates[a].locality < candidates[b].locality : Candidate.precedes(candidates[a], candidates[b])
        }
        // Put in order where they are, rather than copied: the case list is the biggest thing a
        // run holds beside the facts.
        cases.permute(order)
        candidates.permute(order)
        // Patients excluded under the opt-out policy were registered, and are counted, nothing more.
        let optedOut = loaded.optOuts.excludedOnSpine
        var attrition: [(String, Int)] = [
            ("registered", loaded.store.count + optedOut), ("opted_out", optedOut), ("alive", found.alive),
            ("aged_\(criteria.population.minAge)_plus", found.aged),
        ]
        for (i, c) in criteria.criteria.enumerated() { attrition.append((c.id, found.perCriterion[i])) }
        attrition.append(("any_criterion", cases.count))
        return SearchResult(
            cases: cases, candidates: candidates, exceptions: found.exceptions, attrition: attrition,
            unmappedPractice: found.unmappedPractice, noRegisteredPractice: found.noRegisteredPractice,
            timings: ["search": Date().timeIntervalSince(start)])
    }
}

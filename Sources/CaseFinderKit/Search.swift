import Allocate
import CaseCore
import Facts
import Foundation
import Ingest
import Report
import Rules
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
    public var timings: [String: Double]
}

extension Pipeline {
    /// Applies the criteria to every registered patient.
    public static func search(_ loaded: LoadedExtracts, threads: Int = 2) -> SearchResult {
        let start = Date()
        let criteria = loaded.criteria
        let evaluator = Evaluator(criteria: criteria, asOf: loaded.options.asOf)
        let store = loaded.store
        let minAge = criteria.population.minAge
        let careHomeIDs = Set(criteria.criteria.filter { if case .careHome = $0.kind { true } else { false } }.map(\.id))
        let nominationIDs = Set(criteria.criteria.filter { $0.kind == .nomination }.map(\.id))

        /// What one slice of the spine gives.
        final class Part: @unchecked Sendable {
            var alive = 0
            var old = 0
            var perCriterion: [Int]
            var cases: [CaseRecord] = []
            var candidates: [Candidate] = []
            var exceptions: [ExceptionRow] = []
            var unmapped = 0
            init(criteria: Int) { perCriterion = Array(repeating: 0, count: criteria) }
        }
        let people = loaded.reader.people
        let risk = loaded.risk
        let asOf = loaded.options.asOf
        // Practices looked up once per distinct code, not once per patient; only the case-found
        // copy a practice row (its strings): a copy per patient cost a tenth of the search.
        let practiceOf = store.spineTexts.map { store.practices[$0] }
        let mapped = practiceOf.map { $0 != nil }
        @Sendable func evaluate(_ range: Range<Int>, into part: Part) {
            for i in range {
                let practiceNumber = store.practiceNumber(at: i)
                if !mapped[practiceNumber] { part.unmapped += 1 }
                // Most of the spine is under the minimum age: count it without building its facts.
                let screen = store.screen(at: i, asOf: asOf, minAge: minAge)
                if screen.nothingMore {
                    if screen.alive { part.alive += 1 }
                    continue
                }
                let p = store.patient(at: i)
                let e = evaluator.evaluate(p)
                if e.alive { part.alive += 1 }
                if e.eligible { part.old += 1 }
                if !e.eligible {
                    if e.nominatedByDate {
                        let nhs = people.display(p.person)
                        if let death = e.death {
                            part.exceptions.append(ExceptionRow(nhsNumber: nhs, reason: "dead", detail: "nominated, but \(death)"))
                        } else {
                            part.exceptions.append(
                                ExceptionRow(
                                    nhsNumber: nhs, reason: "under_\(minAge)", detail: "nominated, but aged \(e.age) at \(asOf)"))
                        }
                    }
                    continue
                }
                for (k, r) in e.results.enumerated() where r.met { part.perCriterion[k] += 1 }
                guard let priority = e.priority else { continue }
                let met = e.criteriaMet
                let practice = practiceOf[practiceNumber]
                var row = CaseRecord(
                    nhsNumber: people.display(p.person), practice: p.practice, pct: practice?.pct ?? "",
                    locality: practice?.locality ?? "UNMAPPED", age: e.age, priority: priority, criteria: met.map(\.id),
                    frailtyCodes: e.matchedCodes.map(\.description), admissions: e.admissions, distinctDrugs: e.distinctDrugs,
                    careHome: met.contains { careHomeIDs.contains($0.id) }, nominated: met.contains { nominationIDs.contains($0.id) })
                row.dateOfBirth = p.dateOfBirth
                row.reasons = evaluator.plainReasons(p, evaluation: e)
                var riskTenths = 0
                if let risk {
                    let score = risk.score(e).score
                    riskTenths = score.value
                    row.riskScore = score.description
                    row.riskBand = risk.band(score)
                }
                if PracticeLists.placeholders.contains(p.practice) {
                    part.exceptions.append(
                        ExceptionRow(
                            nhsNumber: row.nhsNumber, reason: "no_registered_practice",
                            detail:
                                "case-found, but registered at \(p.practice), which stands for no registered practice: on no practice list")
                    )
                }
                part.cases.append(row)
                part.candidates.append(
                    Candidate(
                        key: row.nhsNumber, locality: row.locality, priority: priority, riskTenths: riskTenths, admissions: e.admissions))
            }
        }
        // The criteria are pure: halves of the spine are evaluated on separate threads and
        // joined in order, so the result does not depend on the number of threads.
        let slices = max(1, min(threads, 2))
        let parts = (0..<slices).map { _ in Part(criteria: criteria.criteria.count) }
        let n = store.count
        if slices == 1 {
            evaluate(0..<n, into: parts[0])
        } else {
            DispatchQueue.concurrentPerform(iterations: slices) { k in
                evaluate((n * k / slices)..<(n * (k + 1) / slices), into: parts[k])
            }
        }
        var alive = 0
        var old = 0
        var perCriterion = [Int](repeating: 0, count: criteria.criteria.count)
        var cases: [CaseRecord] = []
        var candidates: [Candidate] = []
        var exceptions: [ExceptionRow] = []
        var unmapped = 0
        for part in parts {
            alive += part.alive
            old += part.old
            for k in perCriterion.indices { perCriterion[k] += part.perCriterion[k] }
            cases += part.cases
            candidates += part.candidates
            exceptions += part.exceptions
            unmapped += part.unmapped
        }
        let order = candidates.indices.sorted { a, b in
            candidates[a].locality != candidates[b].locality
                ? candidates[a].locality < candidates[b].locality : Candidate.precedes(candidates[a], candidates[b])
        }
        cases = order.map { cases[$0] }
        candidates = order.map { candidates[$0] }
        exceptions.sort { ($0.nhsNumber, $0.reason) < ($1.nhsNumber, $1.reason) }
        // Patients excluded under the opt-out policy were registered, and are counted, nothing more.
        let optedOut = loaded.optOuts.excludedOnSpine
        var attrition: [(String, Int)] = [
            ("registered", store.count + optedOut), ("opted_out", optedOut), ("alive", alive), ("aged_\(minAge)_plus", old),
        ]
        for (i, c) in criteria.criteria.enumerated() { attrition.append((c.id, perCriterion[i])) }
        attrition.append(("any_criterion", cases.count))
        return SearchResult(
            cases: cases, candidates: candidates, exceptions: exceptions, attrition: attrition, unmappedPractice: unmapped,
            timings: ["search": Date().timeIntervalSince(start)])
    }
}

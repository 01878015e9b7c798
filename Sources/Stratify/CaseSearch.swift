import CaseCore
import Facts
import Foundation
import Ingest
import Rules

/// The criteria and the risk model applied to every registered patient: the case-found
/// patients' records, risk scored, and the funnel's counts. Pure: the same facts give the same
/// result, whatever the threads.
public enum CaseSearch {
    public struct Result: Sendable {
        /// Case-found patients, in spine order.
        public var cases: [CaseRecord] = []
        /// Patients asked for but not case-found (nominated but dead or too young), and
        /// case-found patients at a placeholder practice; sorted by NHS number, then reason.
        public var exceptions: [ExceptionRow] = []
        public var alive = 0
        /// Alive and aged the population's minimum age or over.
        public var aged = 0
        /// Eligible patients meeting each criterion, in rank order.
        public var perCriterion: [Int]
        /// Spine patients whose practice is not in practices.csv.
        public var unmappedPractice = 0
        /// Spine patients at a practice code that means "no registered practice".
        public var noRegisteredPractice = 0
    }

    /// - Parameters:
    ///   - people: the run's person keys, to show each patient's NHS number (or person id).
    ///   - risk: the criteria set's risk model; without one, records have no score or band.
    ///   - threads: 1, or 2 to evaluate the halves of the spine at once.
    ///   - releasing: free each patient's activity in the store once evaluated, and everything
    ///     held per patient at the end (`FactStore.releasePatients`), for a run that needs the
    ///     facts for nothing else: the search's records take the memory the facts give back
    ///     rather than adding to it.
    ///   - noRegisteredPractice: practice codes that mean "no registered practice" (the
    ///     mapping's missing values of gp_practice): a case-found patient at one is an exception.
    public static func run(
        store: FactStore, people: PersonKeys, criteria: CriteriaSet, risk: RiskModel?, asOf: Day, threads: Int = 2,
        releasing: Bool = false, noRegisteredPractice: Set<String> = PlaceholderPractice.codes
    ) -> Result {
        let evaluator = Evaluator(criteria: criteria, asOf: asOf)
        let minAge = criteria.population.minAge
        let bornBy = Day.latestBirth(forAge: minAge, on: asOf)
        let careHomeIDs = Set(criteria.criteria.filter { if case .careHome = $0.kind { true } else { false } }.map(\.id))
        let nominationIDs = Set(criteria.criteria.filter { $0.kind == .nomination }.map(\.id))

        /// What one slice of the spine gives.
        final class Part: @unchecked Sendable {
            var alive = 0
            var old = 0
            var perCriterion: [Int]
            /// The slice's records in blocks of `block`, not one growing array: a block is small
            /// enough to reuse memory the facts gave back (`releasing`), where an array that
            /// doubles as it grows takes fresh memory for each copy.
            var cases: [[CaseRecord]] = []
            static let block = 256
            func append(_ row: CaseRecord) {
                if cases.last.map({ $0.count == Part.block }) ?? true {
                    cases.append([])
                    cases[cases.count - 1].reserveCapacity(Part.block)
                }
                cases[cases.count - 1].append(row)
            }
            var exceptions: [ExceptionRow] = []
            var unmapped = 0
            var noPractice = 0
            init(criteria: Int) { perCriterion = Array(repeating: 0, count: criteria) }
        }
        // Practices looked up once per distinct code, not once per patient; only the case-found
        // copy a practice row (its strings): a copy per patient cost a tenth of the search.
        let practiceOf = store.spineTexts.map { store.practices[$0] }
        let mapped = practiceOf.map { $0 != nil }
        let placeholder = store.spineTexts.map { noRegisteredPractice.contains($0) }
        if releasing { store.releaseIndex() }
        @Sendable func evaluate(_ range: Range<Int>, into part: Part) {
            // Releasing, the spine rows already evaluated are given back every so often.
            var unreleased = range.lowerBound
            for i in range {
                if releasing && i - unreleased == 1 << 16 {
                    store.releaseSpine(unreleased..<i)
                    unreleased = i
                }
                let practiceNumber = store.practiceNumber(at: i)
                if !mapped[practiceNumber] { part.unmapped += 1 }
                if placeholder[practiceNumber] { part.noPractice += 1 }
                // Most of the spine is under the minimum age: count it without building its facts.
                let screen = store.screen(at: i, asOf: asOf, bornBy: bornBy)
                if screen.nothingMore {
                    if screen.alive { part.alive += 1 }
                    continue
                }
                let p = store.patient(at: i)
                if releasing { store.releaseActivity(at: i) }
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
                if let risk {
                    let score = risk.score(e).score
                    row.riskTenths = score.value
                    row.riskScore = score.description
                    row.riskBand = risk.band(score)
                }
                if noRegisteredPractice.contains(p.practice) {
                    part.exceptions.append(
                        ExceptionRow(
                            nhsNumber: row.nhsNumber, reason: "no_registered_practice",
                            detail:
                                "case-found, but registered at \(p.practice), which stands for no registered practice: on no practice list")
                    )
                }
                part.append(row)
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
        var result = Result(perCriterion: [Int](repeating: 0, count: criteria.criteria.count))
        // The spine and its index are given back before the one array of every record is made.
        if releasing { store.releasePatients() }
        result.cases.reserveCapacity(parts.reduce(0) { $0 + $1.cases.reduce(0) { $0 + $1.count } })
        for part in parts {
            result.alive += part.alive
            result.aged += part.old
            for k in result.perCriterion.indices { result.perCriterion[k] += part.perCriterion[k] }
            for b in part.cases.indices {
                result.cases += part.cases[b]
                part.cases[b] = []
            }
            result.exceptions += part.exceptions
            result.unmappedPractice += part.unmapped
            result.noRegisteredPractice += part.noPractice
        }
        result.exceptions.sort { ($0.nhsNumber, $0.reason) < ($1.nhsNumber, $1.reason) }
        return result
    }
}

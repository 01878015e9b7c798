import CaseCore
import Facts

/// Applies a criteria set to patients' facts. Pure: the same facts and date give the same answer.
public struct Evaluator: Sendable {
    public let criteria: CriteriaSet
    public let asOf: Day
    /// Whether to write the reasons (for `explain`); a run skips them, and skips the criteria
    /// of patients who are not eligible.
    public let explaining: Bool
    /// The rule of each criterion, in the criteria's (rank) order.
    let rules: [any CriterionRule]
    /// Each criterion's id and rank, in the same order (read per patient without copying the
    /// criteria).
    let ids: [String]
    let ranks: [Int]
    /// The spell rules' code sets as lists (a handful of codes each), asked about every spell:
    /// a set hashed each code with SipHash.
    let regularAttender: [ShortCode]
    let transferMethods: [ShortCode]
    let transferSources: [ShortCode]
    /// The windows of the cases.csv `admissions` and `distinct_drugs` columns.
    let admissionsWindow: Window
    let drugsWindow: Window
    let drugsChapters: ClosedRange<Int>

    public init(criteria: CriteriaSet, asOf: Day, explaining: Bool = false) {
        self.criteria = criteria
        self.asOf = asOf
        self.explaining = explaining
        rules = criteria.criteria.map(\.kind.rule)
        ids = criteria.criteria.map(\.id)
        ranks = criteria.criteria.map(\.rank)
        regularAttender = Array(criteria.spells.regularAttenderClassifications)
        transferMethods = Array(criteria.spells.transferMethods)
        transferSources = Array(criteria.spells.transferSources)
        admissionsWindow = criteria.admissionsReportWindow
        (drugsWindow, drugsChapters) = criteria.drugsReportWindow
    }

    /// The admissions of a patient: spells begun on or before D that are not made up only of
    /// regular attender episodes, in order of admission date then spell_id.
    public func admissions(_ p: PatientFacts) -> [SpellFacts] {
        let regular = regularAttender
        func isAdmission(_ s: SpellFacts) -> Bool { s.admissionDate <= asOf && !s.classifications.allSatisfy { regular.contains($0) } }
        func inOrder(_ a: SpellFacts, _ b: SpellFacts) -> Bool { (a.admissionDate, a.id) < (b.admissionDate, b.id) }
        // Usually every spell is an admission and they were read in order: then the patient's
        // own array serves, with no copy of its spells.
        let spells = p.spells
        if spells.indices.allSatisfy({ k in isAdmission(spells[k]) && (k == 0 || inOrder(spells[k - 1], spells[k])) }) { return spells }
        return p.spells.filter(isAdmission).sorted(by: inOrder)
    }

    /// A continuous stay: spells joined across transfers, dated by its first admission.
    public struct Stay: Sendable {
        public var date: Day
        public var spellIDs: [String]
    }

    /// Joins admissions into continuous stays: an admission that is a transfer in (method or
    /// source) joins the stay before it when it begins on, or up to the gap after, that
    /// stay's latest discharge date; a stay whose last spell is open is never joined.
    public func stays(_ admissions: [SpellFacts]) -> [Stay] {
        let rules = criteria.spells
        var stays: [Stay] = []
        var latestDischarge: Day? = nil
        for s in admissions {
            let transferIn =
                s.admissionMethods.contains { transferMethods.contains($0) }
                || s.admissionSources.contains { transferSources.contains($0) }
            if transferIn, let last = latestDischarge, s.admissionDate >= last,
                s.admissionDate <= last.adding(days: rules.transferMaxGapDays), !stays.isEmpty
            {
                stays[stays.count - 1].spellIDs.append(s.id)
                latestDischarge = s.dischargeDate.map { max($0, last) }
            } else {
                stays.append(Stay(date: s.admissionDate, spellIDs: [s.id]))
                latestDischarge = s.dischargeDate
            }
        }
        return stays
    }

    /// Works out the patient's admissions, stays and substances once, then tests each
    /// criterion with its kind's rule.
    public func evaluate(_ p: PatientFacts) -> Evaluation {
        let age = p.dateOfBirth.age(on: asOf)
        var death: String? = nil
        if let d = p.dateOfDeath, d <= asOf {
            death = "date_of_death \(d) on the spine"
        } else if let d = p.hospitalDeath, d <= asOf {
            death = "died in hospital (discharge method) on \(d)"
        }
        let eligible = death == nil && age >= criteria.population.minAge
        let nominatedByDate = p.nominations.contains { $0.date <= asOf }
        if !eligible && !explaining {
            let nothing = EvaluationContext(
                asOf: asOf, age: age, admissions: [], stays: [], substanceWindow: drugsWindow, substanceChapters: drugsChapters,
                substances: [])
            return Evaluation(
                person: p.person, age: age, death: death, eligible: false, results: [], matchedCodes: [], admissions: 0,
                distinctDrugs: 0, nominatedByDate: nominatedByDate, context: nothing)
        }
        let admissions = admissions(p)
        let stays = stays(admissions)
        var staysInReport = 0
        let reportDays = admissionsWindow.bounds(asOf)
        for s in stays where reportDays.contains(s.date) { staysInReport += 1 }
        let context = EvaluationContext(
            asOf: asOf, age: age, admissions: admissions, stays: stays, substanceWindow: drugsWindow,
            substanceChapters: drugsChapters,
            substances: EvaluationContext.distinctSubstances(p, window: drugsWindow, chapters: drugsChapters, asOf: asOf))

        var results: [CriterionResult] = []
        results.reserveCapacity(rules.count)
        var matched: Set<ICD10Code> = []
        for k in rules.indices {
            var notes = CriterionNotes(explaining: explaining)
            let met = rules[k].evaluate(p, in: context, notes: &notes)
            if !notes.matchedCodes.isEmpty { matched.formUnion(notes.matchedCodes) }
            results.append(CriterionResult(id: ids[k], rank: ranks[k], met: met, reasons: notes.reasons))
        }
        return Evaluation(
            person: p.person, age: age, death: death, eligible: eligible, results: results,
            matchedCodes: eligible ? matched.sorted() : [], admissions: staysInReport, distinctDrugs: context.substances.count,
            nominatedByDate: nominatedByDate, context: context)
    }
}

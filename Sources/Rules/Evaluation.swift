import CaseCore
import Facts

/// Whether one criterion held for a patient, and why, in words a GP can follow.
public struct CriterionResult: Sendable {
    public var id: String
    public var rank: Int
    public var met: Bool
    /// One line per piece of evidence looked at.
    public var reasons: [String]
}

/// The outcome of the criteria for one patient at the as-of date.
public struct Evaluation: Sendable {
    public var person: UInt64
    /// Completed years at the as-of date.
    public var age: Int
    /// Why the patient counts as dead at the as-of date; nil when alive.
    public var death: String?
    /// Alive and old enough.
    public var eligible: Bool
    /// One per criterion, in rank order (evaluated even for ineligible patients, for `explain`).
    public var results: [CriterionResult]
    /// Distinct matched codes of the diagnosis criteria met, sorted.
    public var matchedCodes: [ICD10Code]
    /// Continuous stays dated in the report window (cases.csv `admissions`).
    public var admissions: Int
    /// Distinct substances in the report window (cases.csv `distinct_drugs`).
    public var distinctDrugs: Int
    /// Whether a nomination is dated on or before the as-of date.
    public var nominatedByDate: Bool

    public var alive: Bool { death == nil }

    /// Ids of the criteria met, in rank order; empty when not eligible.
    public var criteriaMet: [CriterionResult] { eligible ? results.filter(\.met) : [] }

    /// The lowest rank met, when eligible.
    public var priority: Int? { criteriaMet.first?.rank }

    public var isCaseFound: Bool { priority != nil }

    /// Whether an eligible patient met the criterion with this id.
    public func met(_ id: String) -> Bool { criteriaMet.contains { $0.id == id } }
}

/// Applies a criteria set to patients' facts. Pure: the same facts and date give the same answer.
public struct Evaluator: Sendable {
    public let criteria: CriteriaSet
    public let asOf: Day
    /// Whether to write the reasons (for `explain`); a run skips them, and skips the criteria
    /// of patients who are not eligible.
    public let explaining: Bool

    public init(criteria: CriteriaSet, asOf: Day, explaining: Bool = false) {
        self.criteria = criteria
        self.asOf = asOf
        self.explaining = explaining
    }

    /// The admissions of a patient: spells begun on or before D that are not made up only of
    /// regular attender episodes, in order of admission date then spell_id.
    public func admissions(_ p: PatientFacts) -> [SpellFacts] {
        let regular = criteria.spells.regularAttenderClassifications
        return p.spells
            .filter { $0.admissionDate <= asOf && !$0.classifications.allSatisfy { regular.contains($0) } }
            .sorted { ($0.admissionDate, $0.id) < ($1.admissionDate, $1.id) }
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
                s.admissionMethods.contains { rules.transferMethods.contains($0) }
                || s.admissionSources.contains { rules.transferSources.contains($0) }
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
            return Evaluation(
                person: p.person, age: age, death: death, eligible: false, results: [], matchedCodes: [], admissions: 0,
                distinctDrugs: 0, nominatedByDate: nominatedByDate)
        }
        let admissions = admissions(p)
        let stays = stays(admissions)
        let adWindow = criteria.admissionsReportWindow
        let staysInReport = stays.filter { adWindow.contains($0.date, asOf: asOf) }.count
        let (drugWindow, drugChapters) = criteria.drugsReportWindow
        let drugsInReport = distinctSubstances(p, window: drugWindow, chapters: drugChapters).count

        var results: [CriterionResult] = []
        var matched: Set<ICD10Code> = []
        for c in criteria.criteria {
            var reasons: [String] = []
            let explaining = self.explaining
            func note(_ text: @autoclosure () -> String) { if explaining { reasons.append(text()) } }
            var met = false
            switch c.kind {
            case .diagnosis(let window, let codes):
                let span = window.span(asOf)
                var found: Set<ICD10Code> = []
                for s in admissions where window.contains(s.admissionDate, asOf: asOf) {
                    for code in s.diagnoses {
                        for rule in codes where rule.pattern.matches(code) {
                            if let min = rule.minAge, age < min {
                                note(
                                    "spell \(s.id) admitted \(s.admissionDate): \(code) (\(rule.label)) counts only at \(min) or over; aged \(age)"
                                )
                                continue
                            }
                            found.insert(code)
                            note("spell \(s.id) admitted \(s.admissionDate): \(code) matches \(rule.pattern) (\(rule.label))")
                        }
                    }
                }
                met = !found.isEmpty
                if met { matched.formUnion(found) }
                if !met {
                    note(
                        "no admission from \(span.first) to \(span.last) carries one of: \(codes.map { $0.pattern.description }.joined(separator: ", "))"
                    )
                }
            case .admissions(let window, let minCount):
                let span = window.span(asOf)
                let inWindow = stays.filter { window.contains($0.date, asOf: asOf) }
                for st in inWindow {
                    note("stay from \(st.date): spell\(st.spellIDs.count > 1 ? "s" : "") \(st.spellIDs.joined(separator: " + "))")
                }
                met = inWindow.count >= minCount
                note("\(inWindow.count) admission(s) (continuous stays) from \(span.first) to \(span.last); \(minCount) needed")
            case .careHome(let register, let window, let sources, let destinations):
                if register {
                    for r in p.residences {
                        let covers = r.from <= asOf && (r.to.map { $0 >= asOf } ?? true)
                        note(
                            "register: \(r.careHomeCode) from \(r.from) to \(r.to.map(\.description) ?? "(open)") \(covers ? "covers" : "does not cover") \(asOf)"
                        )
                        if covers { met = true }
                    }
                }
                let recent = admissions.filter { window.contains($0.admissionDate, asOf: asOf) }
                if let latest = recent.last?.admissionDate {
                    for s in recent where s.admissionDate == latest {
                        let src = s.admissionSources.filter { sources.contains($0) }.sorted()
                        let dst = s.dischargeDestinations.filter { destinations.contains($0) }.sorted()
                        if !src.isEmpty || !dst.isEmpty {
                            met = true
                            note(
                                "latest admission, spell \(s.id) on \(latest): care-home code (source \(src.map(\.description).joined(separator: "/")), destination \(dst.map(\.description).joined(separator: "/")))"
                            )
                        } else {
                            note("latest admission, spell \(s.id) on \(latest): no care-home source or destination code")
                        }
                    }
                } else {
                    note("no admission in the last \(window)")
                }
            case .polypharmacy(let window, let minDistinct, let chapters):
                let span = window.span(asOf)
                let found = distinctSubstances(p, window: window, chapters: chapters)
                met = found.count >= minDistinct
                note(
                    "\(found.count) distinct substance(s) from BNF chapters \(chapters.lowerBound)-\(chapters.upperBound) issued \(span.first) to \(span.last)\(found.isEmpty ? "" : ": " + found.map(\.description).joined(separator: ", ")); \(minDistinct) needed"
                )
            case .nomination:
                for n in p.nominations {
                    let counts = n.date <= asOf
                    if counts { met = true }
                    note("nominated on \(n.date)\(n.by.map { " by \($0)" } ?? "")\(counts ? "" : ": after the as-of date")")
                }
                if p.nominations.isEmpty { note("no nomination") }
            case .conditions(let window, let minGroups, let groups):
                var found: [String] = []
                for g in groups {
                    let hit = admissions.first { s in
                        window.contains(s.admissionDate, asOf: asOf)
                            && s.diagnoses.contains { code in g.patterns.contains { $0.matches(code) } }
                    }
                    if let hit {
                        found.append(g.name)
                        note("\(g.name): spell \(hit.id) admitted \(hit.admissionDate)")
                    }
                }
                met = found.count >= minGroups
                note("\(found.count) condition group(s) in the last \(window); \(minGroups) needed")
            }
            results.append(CriterionResult(id: c.id, rank: c.rank, met: met, reasons: reasons))
        }
        return Evaluation(
            person: p.person, age: age, death: death, eligible: eligible, results: results,
            matchedCodes: eligible ? matched.sorted() : [], admissions: staysInReport, distinctDrugs: drugsInReport,
            nominatedByDate: nominatedByDate)
    }

    /// Distinct substances from the chapters whose latest issue lies in the window, sorted.
    func distinctSubstances(_ p: PatientFacts, window: Window, chapters: ClosedRange<Int>) -> [Substance] {
        p.substances
            .filter { window.contains($0.lastIssued, asOf: asOf) && ($0.substance.chapter.map { chapters.contains($0) } ?? false) }
            .map(\.substance).sorted()
    }
}

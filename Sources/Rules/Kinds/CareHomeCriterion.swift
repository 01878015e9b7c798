import CaseCore
import ConfigFile
import Facts

/// `kind: care_home`: a register entry covering D (when `register`), or the latest admission
/// in the window (every spell on the latest admission date) has a care-home source or
/// destination code.
struct CareHomeCriterion: CriterionRule {
    static let kindName = "care_home"
    var register: Bool
    var window: Window
    var admissionSources: Set<ShortCode>
    var dischargeDestinations: Set<ShortCode>

    static func parse(_ c: YAMLMap) throws(ConfigurationError) -> CriterionKind {
        let latest = try c.map("latest_admission")
        let kind = CriterionKind.careHome(
            register: try c.optionalBool("register") ?? true, window: try CriteriaSet.window(latest),
            admissionSources: try CriteriaSet.codes(latest, "admission_sources"),
            dischargeDestinations: try CriteriaSet.codes(latest, "discharge_destinations"))
        try latest.finish()
        return kind
    }

    /// Whether a register entry covers the as-of date.
    private static func covers(_ r: ResidenceFacts, _ asOf: Day) -> Bool { r.from <= asOf && (r.to.map { $0 >= asOf } ?? true) }

    func evaluate(_ p: PatientFacts, in x: EvaluationContext, notes: inout CriterionNotes) -> Bool {
        let asOf = x.asOf
        var met = false
        if register {
            for r in p.residences {
                let covers = Self.covers(r, asOf)
                notes.add(
                    "register: \(r.careHomeCode) from \(r.from) to \(r.to.map(\.description) ?? "(open)") \(covers ? "covers" : "does not cover") \(asOf)"
                )
                if covers { met = true }
            }
        }
        // Admissions are in date order: every spell on the latest date in the window.
        let days = window.bounds(asOf)
        if let latest = x.admissions.last(where: { days.contains($0.admissionDate) })?.admissionDate {
            for s in x.admissions where s.admissionDate == latest {
                let fromHome = s.admissionSources.contains { admissionSources.contains($0) }
                let toHome = s.dischargeDestinations.contains { dischargeDestinations.contains($0) }
                if fromHome || toHome {
                    met = true
                    notes.add(
                        "latest admission, spell \(s.id) on \(latest): care-home code (source \(Self.shown(s.admissionSources, admissionSources)), destination \(Self.shown(s.dischargeDestinations, dischargeDestinations)))"
                    )
                } else {
                    notes.add("latest admission, spell \(s.id) on \(latest): no care-home source or destination code")
                }
            }
        } else {
            notes.add("no admission in the last \(window)")
        }
        return met
    }

    /// The spell's codes that are care-home codes, sorted, joined with "/".
    private static func shown(_ codes: CodeSet, _ careHome: Set<ShortCode>) -> String {
        codes.filter { careHome.contains($0) }.sorted().map(\.description).joined(separator: "/")
    }

    /// "in a care home (register, 1-123456789, since 1 May 2024)", or how the latest admission
    /// in the window came from or went back to one.
    func plainReason(_ p: PatientFacts, in x: EvaluationContext) -> String {
        let asOf = x.asOf
        if register, let r = p.residences.first(where: { Self.covers($0, asOf) }) {
            return "in a care home (register, \(r.careHomeCode), since \(PlainDate.full(r.from)))"
        } else if let latest = x.admissions.last(where: { window.bounds(asOf).contains($0.admissionDate) }) {
            let toHome = latest.dischargeDestinations.contains { dischargeDestinations.contains($0) }
            let fromHome = latest.admissionSources.contains { admissionSources.contains($0) }
            let how = fromHome && toHome ? "from and back to" : fromHome ? "from" : "discharged to"
            return "admitted \(how) a care home (\(PlainDate.full(latest.admissionDate)))"
        } else {
            return "in a care home"
        }
    }
}

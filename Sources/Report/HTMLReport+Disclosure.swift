import CaseCore

/// report.html under a disclosure policy: every patient count on the page, and every bar, is
/// drawn from the released figure, and a figure computed from a suppressed count is shown as `*`
/// (a figure with nothing to compute from stays `–`, as without suppression).
extension Page {
    /// A patient count as released: `*`, or the (rounded) number with thousands grouped.
    func c(_ count: Int) -> String { policy.release(count).text(HTMLReport.count) }

    func c(_ released: ReleasedCount) -> String { released.text(HTMLReport.count) }

    /// An optional patient count; `–` when there is none.
    func copt(_ count: Int?) -> String { count.map(c) ?? "–" }

    /// The value a bar is drawn at: the released count; 0, no bar at all, when it is suppressed
    /// (the bar's label says `*`), so no bar's length tells a suppressed count.
    func bar(_ count: Int) -> Int { policy.release(count).value ?? 0 }

    func bar(_ released: ReleasedCount) -> Int { released.value ?? 0 }

    /// The policy in words, in the page's header: what was suppressed, or a warning that the
    /// numbers are unsuppressed and for direct care and internal use only.
    func disclosureNotice() -> String {
        policy.suppresses
            ? "<p class=\"disclosure\">\(e(policy.description))</p>"
            : "<p class=\"disclosure unsuppressed\">\(e(policy.description))</p>"
    }

    /// One decimal place, thousands grouped.
    func d(_ x: Double) -> String { HTMLReport.decimal(x, places: 1, grouped: true) }

    /// Case-found, actively case-managed, both, and the coverage share (of both over case-found).
    func coverageCells(_ l: ReportModel.CoverageLine) -> [String] {
        let found = policy.release(l.caseFound)
        let both = policy.release(l.caseFoundAndManaged)
        let share = policy.figure(HTMLReport.percent(l.caseFoundAndManaged, of: l.caseFound), from: both, found)
        return [c(found), c(l.activelyCaseManaged), c(both), share.text(notApplicable: "–") { "\($0)%" }]
    }

    /// Enrolled patients and what happened to them: withheld when the enrolled count is
    /// suppressed (a few patients' admissions are theirs), bed days also when the admissions are.
    func enrolmentCells(_ l: ReportModel.EnrolmentLine) -> [String] {
        let enrolled = policy.release(l.enrolled)
        let before = policy.release(l.admissionsBefore, within: enrolled)
        let after = policy.release(l.admissionsAfter, within: enrolled)
        return [
            c(enrolled), c(policy.release(l.fullYearAfter, within: enrolled)), c(before),
            c(policy.release(l.bedDaysBefore, within: enrolled, before)), c(after),
            c(policy.release(l.bedDaysAfter, within: enrolled, after)),
        ]
    }

    /// A locality-month: emergency admissions, bed days (withheld with the admissions) and mean
    /// stay, each beside its baseline (computed from the baseline's totals).
    func monitoringCells(_ r: ReportModel.MonitoringRow) -> [String] {
        let admissions = policy.release(r.emergencyAdmissions)
        let bedDays = policy.release(r.bedDays, within: admissions)
        let baseAdmissions = policy.release(r.baselineAdmissionsTotal)
        let baseBedDays = policy.release(r.baselineBedDaysTotal, within: baseAdmissions)
        return [
            c(admissions), policy.figure(r.baselineEmergencyAdmissions, from: baseAdmissions).text(d), c(bedDays),
            policy.figure(r.baselineBedDays, from: baseAdmissions, baseBedDays).text(d),
            policy.figure(r.meanLengthOfStay, from: admissions, bedDays).text(d),
            policy.figure(r.baselineMeanLengthOfStay, from: baseAdmissions, baseBedDays).text(d),
        ]
    }

    /// A case manager's outcomes, their median days (withheld with the outcomes) and those
    /// within target with their share.
    func screeningCells(_ r: ReportModel.ScreeningRow) -> [String] {
        let outcomes = policy.release(r.outcomes)
        let within = policy.release(r.withinTarget, within: outcomes)
        let share = policy.figure(HTMLReport.percent(r.withinTarget, of: r.outcomes), from: outcomes, within)
        let shareText =
            switch share {
            case .shown(let p): " (\(p)%)"
            case .suppressed: " (*)"
            case .notApplicable: ""
            }
        return [c(outcomes), policy.figure(r.medianDaysToOutcome, from: outcomes).text(notApplicable: "–", d), c(within) + shareText]
    }
}

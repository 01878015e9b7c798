import CaseCore
import Report

/// The four files `casefind measures` writes, under a disclosure policy. Patient and admission
/// counts are released (`*`, or rounded); a count about a group of patients (their bed days,
/// outcomes within target, enrolments) is `*` when the group's count is; a mean, median or
/// percentage is `*` when a count it is computed from is, and is otherwise computed from the
/// exact counts. Ids, months and the target stay as they are. A figure with nothing to compute
/// from (no admissions, no outcomes) stays blank.
extension Measures {
    /// `12.3` from 123 tenths.
    static func decimal(_ tenths: Int) -> String { "\(tenths / 10).\(tenths % 10)" }

    static func decimal(_ x: Double) -> String { String(format: "%.1f", x) }

    public static func files(_ r: Result, disclosure policy: DisclosurePolicy) -> [(name: String, bytes: [UInt8])] {
        let inTenths = { (f: ReleasedFigure<Int>) in f.text(decimal) }
        var m = CSVText(header: [
            "locality", "month", "emergency_admissions", "bed_days", "mean_length_of_stay", "baseline_admissions_per_month",
            "baseline_bed_days_per_month", "baseline_mean_length_of_stay",
        ])
        for row in r.months {
            let admissions = policy.release(row.admissions)
            let bedDays = policy.release(row.bedDays, within: admissions)
            let baseAdmissions = policy.release(row.baselineAdmissions)
            let baseBedDays = policy.release(row.baselineBedDays, within: baseAdmissions)
            m.append([
                row.locality, row.month.description, admissions.text(), bedDays.text(),
                inTenths(policy.figure(row.meanStayTenths, from: admissions, bedDays)),
                inTenths(policy.figure(row.baselineAdmissionsPerMonthTenths, from: baseAdmissions)),
                inTenths(policy.figure(row.baselineBedDaysPerMonthTenths, from: baseAdmissions, baseBedDays)),
                inTenths(policy.figure(row.baselineMeanStayTenths, from: baseAdmissions, baseBedDays)),
            ])
        }
        var c = CSVText(header: ["locality", "case_found", "actively_case_managed", "case_found_and_managed", "coverage_percent"])
        for row in r.coverage {
            let found = policy.release(row.caseFound)
            let both = policy.release(row.caseFoundAndManaged)
            c.append([
                row.locality, found.text(), policy.release(row.activelyCaseManaged).text(), both.text(),
                inTenths(policy.figure(row.coveragePermille, from: both, found)),
            ])
        }
        var e = CSVText(header: [
            "locality", "enrolled", "full_year_after", "emergency_admissions_before", "bed_days_before", "emergency_admissions_after",
            "bed_days_after",
        ])
        for row in r.enrolment {
            let enrolled = policy.release(row.enrolled)
            let before = policy.release(row.admissionsBefore, within: enrolled)
            let after = policy.release(row.admissionsAfter, within: enrolled)
            e.append([
                row.locality, enrolled.text(), policy.release(row.fullYearAfter, within: enrolled).text(), before.text(),
                policy.release(row.bedDaysBefore, within: enrolled, before).text(), after.text(),
                policy.release(row.bedDaysAfter, within: enrolled, after).text(),
            ])
        }
        var t = CSVText(header: [
            "case_manager_id", "locality", "outcomes", "median_working_days", "within_target", "within_target_percent", "enrolled",
            "median_working_days_to_enrolment", "not_found_by_a_run", "target_working_days",
        ])
        for row in r.timeliness {
            let outcomes = policy.release(row.outcomes)
            let within = policy.release(row.withinTarget, within: outcomes)
            let enrolled = policy.release(row.enrolled, within: outcomes)
            let percent = row.outcomes > 0 ? Measures.tenths(row.withinTarget * 100, row.outcomes) : nil
            t.append([
                row.caseManagerID, row.locality, outcomes.text(), policy.figure(row.medianWorkingDays, from: outcomes).text(decimal),
                within.text(), inTenths(policy.figure(percent, from: outcomes, within)), enrolled.text(),
                policy.figure(row.medianWorkingDaysToEnrolment, from: enrolled).text(decimal), policy.release(row.notFoundByARun).text(),
                String(r.targetWorkingDays),
            ])
        }
        return [
            ("measures.csv", m.bytes), ("case_management.csv", c.bytes), ("enrolment_outcomes.csv", e.bytes), ("timeliness.csv", t.bytes),
        ]
    }
}

import CaseCore
import Facts
import Foundation
import Ingest
import Rules
import Store

/// The programme's monitoring measures and screening timeliness (`casefind measures`, and the
/// report's last two sections).
///
/// Definitions, where the framework leaves them open:
/// - **Emergency admission**: a spell (admission) with an emergency admission method on any of
///   its episodes: ADMIMETH 21-25, 28, 2A-2D.
/// - **Population**: patients on the spine aged 65 or over at the as-of date (the criteria
///   set's minimum age), alive or not: their past admissions count. Locality is the current
///   practice's.
/// - **Month**: the month of the admission date. Months run from the baseline's first month to
///   the as-of date's month; spells admitted after the as-of date are not counted.
/// - **Bed days**: discharge date minus admission date (a same-day spell is 0); a spell still
///   open counts up to the as-of date. Mean length of stay = bed days / admissions.
/// - **Baseline**: per locality, the mean per month over the baseline months of admissions and
///   bed days, and bed days / admissions over the whole baseline.
/// - **Actively case-managed**: the patient's latest screening outcome dated on or before the
///   as-of date is `enrolled`. Coverage = case-found patients actively case-managed / case-found.
/// - **Before and after enrolment**: for each actively case-managed patient, emergency
///   admissions and their bed days with admission dates in the 12 months before the enrolment
///   date (E-12 months <= date < E) and from it (E <= date < E+12 months, and on or before the
///   as-of date); `full_year_after` counts the patients enrolled at least 12 months before the
///   as-of date.
/// - **Timeliness**: a screening outcome's case-found date is the as-of date of the earliest
///   recorded run, on or before the outcome's date, that case-found the patient. Working days
///   after that date up to and including the outcome date (England's bank holidays and
///   weekends are not working days); within target when at most `targetWorkingDays`. Outcomes
///   of patients no recorded run case-found are counted apart.
public enum Measures {
    public struct Settings: Sendable {
        public var baseline: ClosedRange<Month>
        public var targetWorkingDays: Int
        /// How the files' patient counts are released (see ``files(_:disclosure:)``).
        public var disclosure: DisclosurePolicy

        public init(baseline: ClosedRange<Month>, targetWorkingDays: Int = 2, disclosure: DisclosurePolicy = .hes) {
            self.baseline = baseline
            self.targetWorkingDays = targetWorkingDays
            self.disclosure = disclosure
        }
    }

    /// One locality-month. Tenths are exact (mean length of stay rounded half up).
    public struct MonthRow: Sendable, Equatable {
        public var locality: String
        public var month: Month
        public var admissions: Int
        public var bedDays: Int
        public var baselineAdmissionsPerMonthTenths: Int
        public var baselineBedDaysPerMonthTenths: Int
        public var meanStayTenths: Int?
        public var baselineMeanStayTenths: Int?
        /// Admissions and bed days over the whole baseline, which the baseline figures are computed from.
        public var baselineAdmissions: Int
        public var baselineBedDays: Int
    }

    public struct CoverageRow: Sendable, Equatable {
        public var locality: String
        public var caseFound: Int
        public var activelyCaseManaged: Int
        public var caseFoundAndManaged: Int
        /// caseFoundAndManaged / caseFound, in tenths of a percent; nil when none were found.
        public var coveragePermille: Int?
    }

    public struct EnrolmentRow: Sendable, Equatable {
        public var locality: String
        public var enrolled: Int
        public var fullYearAfter: Int
        public var admissionsBefore: Int
        public var bedDaysBefore: Int
        public var admissionsAfter: Int
        public var bedDaysAfter: Int
    }

    public struct TimelinessRow: Sendable, Equatable {
        /// "ALL" on a locality's total row.
        public var caseManagerID: String
        public var locality: String
        public var outcomes: Int
        public var medianWorkingDays: Double?
        public var withinTarget: Int
        public var enrolled: Int
        public var medianWorkingDaysToEnrolment: Double?
        /// Outcomes of patients no recorded run case-found (not in the figures above).
        public var notFoundByARun: Int
    }

    public struct Result: Sendable {
        public var months: [MonthRow]
        public var coverage: [CoverageRow]
        public var enrolment: [EnrolmentRow]
        public var timeliness: [TimelinessRow]
        public var targetWorkingDays: Int
    }

    /// Rounds n/d to tenths, half up (n, d >= 0, d > 0).
    static func tenths(_ n: Int, _ d: Int) -> Int { (n * 20 + d) / (2 * d) }

    /// Everything, from the loaded extracts, the case-found patients at the as-of date and the
    /// state store's screening outcomes and runs.
    /// - Parameters:
    ///   - store: the extracts read, with every patient's facts.
    ///   - people: the run's person keys (how NHS numbers are shown and looked up).
    ///   - minAge: the population's minimum age (the criteria file's).
    public static func compute(
        store: FactStore, people: PersonKeys, minAge: Int, asOf: Day, caseFound: [CaseRecord], outcomes: [ScreeningOutcome],
        runs: [(run: RunRecord, patients: [PatientState])], settings: Settings
    ) -> Result {
        let localityOf = store.spineTexts.map { store.practices[$0]?.locality ?? "UNMAPPED" }
        var localities = Set(store.practices.values.map(\.locality))
        let months = Month.range(settings.baseline.lowerBound, Month(asOf))
        var counts: [String: [Month: (n: Int, days: Int)]] = [:]

        // Outcomes on or before the as-of date, latest per patient.
        let dated = outcomes.filter { DateFormat.iso.parse($0.date).map { $0 <= asOf } ?? false }
        var latest: [String: ScreeningOutcome] = [:]
        var firstEnrolled: [String: Day] = [:]
        for o in dated.sorted(by: { ($0.date, $0.id) < ($1.date, $1.id) }) {
            latest[o.person] = o
            if o.outcome == .enrolled, firstEnrolled[o.person] == nil { firstEnrolled[o.person] = DateFormat.iso.parse(o.date) }
        }
        let managed = Set(latest.values.filter { $0.outcome == .enrolled }.map(\.person))
        var enrolment: [String: EnrolmentRow] = [:]

        func stay(_ s: SpellFacts) -> Int { Int((s.dischargeDate ?? asOf).ordinal - s.admissionDate.ordinal) }
        for i in 0..<store.count {
            let p = store.patient(at: i)
            guard p.dateOfBirth.age(on: asOf) >= minAge else { continue }
            let locality = localityOf[store.practiceNumber(at: i)]
            localities.insert(locality)
            let emergencies = p.spells.filter { s in
                s.admissionDate <= asOf && EmergencyAdmission.isEmergency(s)
            }
            for s in emergencies {
                let m = Month(s.admissionDate)
                guard m >= settings.baseline.lowerBound else { continue }
                counts[locality, default: [:]][m, default: (0, 0)].n += 1
                counts[locality, default: [:]][m, default: (0, 0)].days += stay(s)
            }
            let nhs = people.display(p.person)
            if managed.contains(nhs), let e = firstEnrolled[nhs] {
                var row =
                    enrolment[locality]
                    ?? EnrolmentRow(
                        locality: locality, enrolled: 0, fullYearAfter: 0, admissionsBefore: 0, bedDaysBefore: 0, admissionsAfter: 0,
                        bedDaysAfter: 0)
                row.enrolled += 1
                let yearBefore = e.subtracting(months: 12)
                let yearAfter = e.subtracting(months: -12)
                if yearAfter <= asOf { row.fullYearAfter += 1 }
                for s in emergencies {
                    if s.admissionDate >= yearBefore && s.admissionDate < e {
                        row.admissionsBefore += 1
                        row.bedDaysBefore += stay(s)
                    } else if s.admissionDate >= e && s.admissionDate < yearAfter {
                        row.admissionsAfter += 1
                        row.bedDaysAfter += stay(s)
                    }
                }
                enrolment[locality] = row
            }
        }

        var monthRows: [MonthRow] = []
        let baselineMonths = Month.range(settings.baseline.lowerBound, settings.baseline.upperBound)
        for locality in localities.sorted() {
            let c = counts[locality] ?? [:]
            let baseN = baselineMonths.reduce(0) { $0 + (c[$1]?.n ?? 0) }
            let baseDays = baselineMonths.reduce(0) { $0 + (c[$1]?.days ?? 0) }
            for m in months {
                let v = c[m] ?? (0, 0)
                monthRows.append(
                    MonthRow(
                        locality: locality, month: m, admissions: v.n, bedDays: v.days,
                        baselineAdmissionsPerMonthTenths: tenths(baseN, baselineMonths.count),
                        baselineBedDaysPerMonthTenths: tenths(baseDays, baselineMonths.count),
                        meanStayTenths: v.n > 0 ? tenths(v.days, v.n) : nil,
                        baselineMeanStayTenths: baseN > 0 ? tenths(baseDays, baseN) : nil, baselineAdmissions: baseN,
                        baselineBedDays: baseDays))
            }
        }

        var coverage: [CoverageRow] = []
        for locality in localities.sorted() {
            let found = caseFound.filter { $0.locality == locality }
            let foundManaged = found.count(where: { managed.contains($0.nhsNumber) })
            let managedHere = managed.filter { nhs in
                people.lookup(nhs).flatMap { store.position(of: $0) }.map {
                    localityOf[store.practiceNumber(at: $0)] == locality
                }
                    ?? false
            }.count
            coverage.append(
                CoverageRow(
                    locality: locality, caseFound: found.count, activelyCaseManaged: managedHere, caseFoundAndManaged: foundManaged,
                    coveragePermille: found.isEmpty ? nil : tenths(foundManaged * 100, found.count)))
        }

        return Result(
            months: monthRows, coverage: coverage, enrolment: enrolment.values.sorted { $0.locality < $1.locality },
            timeliness: timeliness(dated, runs: runs, target: settings.targetWorkingDays), targetWorkingDays: settings.targetWorkingDays)
    }

    /// Screening timeliness per case manager, then a total row per locality.
    public static func timeliness(_ outcomes: [ScreeningOutcome], runs: [(run: RunRecord, patients: [PatientState])], target: Int)
        -> [TimelinessRow]
    {
        // When each patient was case-found, by run date, with that run's locality and case manager.
        var found: [String: [(day: Day, locality: String, caseManager: String)]] = [:]
        for (run, patients) in runs where run.outcome == "ok" {
            guard let day = DateFormat.iso.parse(run.asOf) else { continue }
            for p in patients { found[p.person, default: []].append((day, p.locality, p.caseManagerID)) }
        }
        let workingDays = WorkingDays()
        struct Key: Hashable {
            var caseManager: String
            var locality: String
        }
        var days: [Key: [Int]] = [:]
        var within: [Key: Int] = [:]
        var enrolDays: [Key: [Int]] = [:]
        var missing: [Key: Int] = [:]
        for o in outcomes {
            guard let date = DateFormat.iso.parse(o.date) else { continue }
            let first = found[o.person]?.filter { $0.day <= date }.min { $0.day < $1.day }
            let manager = o.caseManagerID.isEmpty ? (first?.caseManager ?? "") : o.caseManagerID
            let key = Key(caseManager: manager.isEmpty ? "(none)" : manager, locality: first?.locality ?? "UNKNOWN")
            guard let first else {
                missing[key, default: 0] += 1
                continue
            }
            let n = workingDays.workingDays(from: first.day, to: date)
            days[key, default: []].append(n)
            if n <= target { within[key, default: 0] += 1 }
            if o.outcome == .enrolled { enrolDays[key, default: []].append(n) }
        }
        func median(_ xs: [Int]) -> Double? {
            guard !xs.isEmpty else { return nil }
            let s = xs.sorted()
            return s.count % 2 == 1 ? Double(s[s.count / 2]) : Double(s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        let keys = Set(days.keys).union(missing.keys)
        var rows: [TimelinessRow] = []
        for locality in Set(keys.map(\.locality)).sorted() {
            let here = keys.filter { $0.locality == locality }.sorted { $0.caseManager < $1.caseManager }
            for k in here {
                rows.append(
                    TimelinessRow(
                        caseManagerID: k.caseManager, locality: locality, outcomes: days[k]?.count ?? 0,
                        medianWorkingDays: median(days[k] ?? []),
                        withinTarget: within[k] ?? 0, enrolled: enrolDays[k]?.count ?? 0,
                        medianWorkingDaysToEnrolment: median(enrolDays[k] ?? []),
                        notFoundByARun: missing[k] ?? 0))
            }
            let all = here.flatMap { days[$0] ?? [] }
            let allEnrol = here.flatMap { enrolDays[$0] ?? [] }
            rows.append(
                TimelinessRow(
                    caseManagerID: "ALL", locality: locality, outcomes: all.count, medianWorkingDays: median(all),
                    withinTarget: here.reduce(0) { $0 + (within[$1] ?? 0) }, enrolled: allEnrol.count,
                    medianWorkingDaysToEnrolment: median(allEnrol), notFoundByARun: here.reduce(0) { $0 + (missing[$1] ?? 0) }))
        }
        return rows
    }
}

import Allocate
import CaseCore
import Foundation
import Ingest
import Monitoring
import Report
import Rules
import Store
import Stratify

/// Builds the planner's report (report.html) from what a run computed. No clock time goes
/// into it, so an identical re-run writes an identical page.
enum PlannerReport {
    struct Inputs {
        var loaded: LoadedExtracts
        var command: String
        var attrition: [(step: String, patients: Int)]
        var cases: [CaseRecord]
        var scoping: [ScopingRow]
        var caseloads: [Caseload]
        /// nil when there is no earlier run to compare with.
        var incident: [(row: CaseRecord, trigger: [String])]?
        var rejectReasons: [String: Int]
        var identifiable: Bool
        /// How the page releases its counts; under suppression no patient is put in the model.
        var disclosure = DisclosurePolicy.hes
        var monitoring: [ReportModel.MonitoringRow] = []
        var baseline = ""
        var coverage: [ReportModel.CoverageLine] = []
        var enrolment: [ReportModel.EnrolmentLine] = []
        var screening: ReportModel.Screening? = nil
    }

    /// The monitoring measures (when a baseline is given) and screening timeliness (when
    /// outcomes were imported), from the state store as it was before this run.
    static func addMeasures(
        _ i: inout Inputs, loaded: LoadedExtracts, cases: [CaseRecord], history: StateHistory, baseline: ClosedRange<Month>?,
        targetWorkingDays: Int, locality: String?
    ) throws {
        let outcomes = history.outcomes
        let runs = history.runs
        let keep = { (l: String) in locality == nil || l == locality }
        let asOf = loaded.options.asOf
        let timeliness: [Measures.TimelinessRow]
        if let baseline {
            let r = Measures.compute(
                store: loaded.store, people: loaded.reader.people, minAge: loaded.criteria.population.minAge, asOf: asOf,
                caseFound: cases, outcomes: outcomes, runs: runs,
                settings: Measures.Settings(baseline: baseline, targetWorkingDays: targetWorkingDays))
            i.baseline = "\(baseline.lowerBound) to \(baseline.upperBound)"
            i.monitoring = r.months.filter { keep($0.locality) }.map {
                ReportModel.MonitoringRow(
                    locality: $0.locality, month: $0.month.description, emergencyAdmissions: $0.admissions, bedDays: $0.bedDays,
                    meanLengthOfStay: Double($0.meanStayTenths ?? 0) / 10,
                    baselineEmergencyAdmissions: Double($0.baselineAdmissionsPerMonthTenths) / 10,
                    baselineBedDays: Double($0.baselineBedDaysPerMonthTenths) / 10,
                    baselineMeanLengthOfStay: Double($0.baselineMeanStayTenths ?? 0) / 10, baselineAdmissionsTotal: $0.baselineAdmissions,
                    baselineBedDaysTotal: $0.baselineBedDays)
            }
            i.coverage = r.coverage.filter { keep($0.locality) }.map {
                ReportModel.CoverageLine(
                    locality: $0.locality, caseFound: $0.caseFound, activelyCaseManaged: $0.activelyCaseManaged,
                    caseFoundAndManaged: $0.caseFoundAndManaged)
            }
            i.enrolment = r.enrolment.filter { keep($0.locality) }.map {
                ReportModel.EnrolmentLine(
                    locality: $0.locality, enrolled: $0.enrolled, fullYearAfter: $0.fullYearAfter, admissionsBefore: $0.admissionsBefore,
                    bedDaysBefore: $0.bedDaysBefore, admissionsAfter: $0.admissionsAfter, bedDaysAfter: $0.bedDaysAfter)
            }
            timeliness = r.timeliness
        } else {
            let dated = outcomes.filter { DateFormat.iso.parse($0.date).map { $0 <= asOf } ?? false }
            timeliness = Measures.timeliness(dated, runs: runs, target: targetWorkingDays)
        }
        let rows = timeliness.filter { keep($0.locality) && $0.outcomes > 0 }
        if !rows.isEmpty {
            i.screening = ReportModel.Screening(
                target:
                    "an outcome within \(targetWorkingDays) working days of being case-found (England's bank holidays and weekends excluded); median in working days",
                rows: rows.map {
                    ReportModel.ScreeningRow(
                        caseManagerID: $0.caseManagerID, locality: $0.locality, outcomes: $0.outcomes,
                        medianDaysToOutcome: $0.medianWorkingDays,
                        withinTarget: $0.withinTarget)
                })
        }
    }

    static func model(_ i: Inputs) -> ReportModel {
        let criteria = i.loaded.criteria
        let step = Dictionary(i.attrition.map { ($0.step, $0.patients) }, uniquingKeysWith: { a, _ in a })
        let header = ReportModel.Header(
            title: "Case finding for case management: \(criteria.title)", criteriaSetID: criteria.id,
            criteriaSetTitle: criteria.title, asOf: i.loaded.options.asOf.description, command: "casefind \(i.command)",
            version: casefindVersion, runKind: i.command == "incidence" ? .incidence : .run)
        let minAge = criteria.population.minAge
        let headline = ReportModel.Headline(
            registered: step["registered"] ?? i.loaded.store.count, alive: step["alive"] ?? 0, aged65Plus: step["aged_\(minAge)_plus"] ?? 0,
            caseFound: i.cases.count, allocated: i.cases.count(where: { $0.status == .allocated }),
            waiting: i.cases.count(where: { $0.status == .waiting }), noCapacity: i.cases.count(where: { $0.status == .noCapacity }),
            incident: i.incident?.count)
        let policy = i.disclosure
        var m = ReportModel(header: header, headline: headline, identifiable: i.identifiable, disclosure: policy)
        m.funnel = i.attrition.map {
            ReportModel.FunnelStep(label: $0.step.replacingOccurrences(of: "_", with: " "), patients: $0.patients)
        }

        let localities = i.scoping.map(\.locality)
        let ranks = criteria.criteria.map(\.rank)
        m.priorities = ReportModel.Priorities(
            columns: criteria.criteria.map { ReportModel.Column(id: "P\($0.rank)", label: $0.id) },
            localities: localities.map { loc in
                let here = i.cases.filter { $0.locality == loc }
                return ReportModel.LocalityCounts(locality: loc, counts: ranks.map { r in here.count(where: { $0.priority == r }) })
            })

        if let risk = i.loaded.risk {
            let names = risk.bands.map(\.name)
            func counts(_ rows: [CaseRecord]) -> [Int] { names.map { n in rows.count(where: { $0.riskBand == n }) } }
            var caveat = ""
            if let v = risk.validatedMinAge {
                let under = i.cases.count(where: { $0.age < v })
                caveat =
                    "\(risk.id) was validated in people aged \(v) and over; below \(v) it is a ranking aid only. "
                    + "\(policy.release(under)) of the \(policy.release(i.cases.count)) case-found patients are under \(v)."
            }
            m.riskBands = ReportModel.RiskBands(
                bands: names.map { ReportModel.Column(id: $0) }, overall: counts(i.cases),
                localities: localities.map { loc in
                    ReportModel.LocalityCounts(locality: loc, counts: counts(i.cases.filter { $0.locality == loc }))
                },
                caveat: caveat)
        }

        m.scoping = scopingLines(i.scoping, disclosure: policy)
        m.localityCapacity = i.scoping.map {
            ReportModel.LocalityCapacity(
                locality: $0.locality, capacity: $0.capacity, reserved: $0.reserved, allocated: $0.allocated, waiting: $0.waiting,
                noCapacity: $0.noCapacity)
        }
        m.caseManagers = i.caseloads
            .sorted { ($0.caseManager.locality, $0.caseManager.id) < ($1.caseManager.locality, $1.caseManager.id) }
            .map {
                ReportModel.CaseManagerLoad(
                    id: $0.caseManager.id, locality: $0.caseManager.locality, caseloadMax: $0.caseManager.caseloadMax, reserve: $0.reserved,
                    allocated: $0.load)
            }

        if let incident = i.incident {
            var byTrigger: [String: Int] = [:]
            for (_, trigger) in incident { for t in trigger { byTrigger[t, default: 0] += 1 } }
            let order = criteria.criteria.map(\.id)
            m.incidence = ReportModel.Incidence(
                count: incident.count,
                byTrigger: order.compactMap { id in byTrigger[id].map { ReportModel.TriggerCount(trigger: id, patients: $0) } },
                patients: policy.suppresses
                    ? []
                    : incident.map { (row, trigger) in
                        ReportModel.IncidentPatient(
                            nhsNumber: i.identifiable ? row.nhsNumber : nil, locality: row.locality, priority: row.priority,
                            trigger: trigger.joined(separator: ";"), status: row.status?.rawValue ?? "")
                    })
        }

        m.inputFiles = ExtractKind.extracts.compactMap { kind in
            guard let s = i.loaded.reader.stats[kind], s.present else { return nil }
            return ReportModel.InputFile(
                file: s.fileName, read: s.read, accepted: s.accepted, rejected: s.rejected, warnings: s.warnings,
                unregistered: s.unregistered)
        }
        m.rejectReasons = i.rejectReasons.map { ReportModel.RejectReason(reason: $0.key, count: $0.value) }
            .sorted { ($1.count, $0.reason) < ($0.count, $1.reason) }
        m.monitoring = i.monitoring
        m.baseline = i.baseline
        m.coverage = i.coverage
        m.enrolment = i.enrolment
        m.screening = i.screening
        return m
    }

    /// Table one's shape: each PCT's localities, then its subtotal; the total last. A PCT
    /// with one locality gets no subtotal. A need computed from a suppressed count is marked
    /// so, and so is a subtotal or total that sums one.
    static func scopingLines(_ rows: [ScopingRow], disclosure policy: DisclosurePolicy) -> [ReportModel.ScopingLine] {
        let managers = rows.reduce(0) { $0 + $1.activeCaseManagers }
        let capacity = rows.reduce(0) { $0 + $1.capacity }
        func need(_ r: ScopingRow) -> Int? { r.caseManagersNeeded(overallManagers: managers, overallCapacity: capacity) }
        func withheld(_ group: [ScopingRow]) -> Bool { ScopingRow.releasedNeed(of: group, among: rows, policy: policy) == .suppressed }
        func sumExpected(_ rs: [ScopingRow]) -> Int? {
            let e = rs.compactMap(\.expectedPatients)
            return e.isEmpty ? nil : e.reduce(0, +)
        }
        func tranche(_ e: Int?) -> Int? { e.map { ($0 + 2) / 4 } }
        var lines: [ReportModel.ScopingLine] = []
        var pcts: [String] = []
        for r in rows where !pcts.contains(r.pct) { pcts.append(r.pct) }
        for pct in pcts {
            let here = rows.filter { $0.pct == pct }
            for r in here {
                var line = ReportModel.ScopingLine(
                    locality: r.locality, pct: r.pct, expectedPatients: r.expectedPatients, firstTranche: r.firstTranche, found: r.found,
                    caseManagersNeeded: need(r))
                line.caseManagersNeededSuppressed = withheld([r])
                lines.append(line)
            }
            if here.count > 1 {
                let e = sumExpected(here)
                var line = ReportModel.ScopingLine(
                    kind: .pctSubtotal, locality: pct.isEmpty ? "No PCT" : pct, pct: pct, expectedPatients: e, firstTranche: tranche(e),
                    found: here.reduce(0) { $0 + $1.found }, caseManagersNeeded: here.compactMap(need).reduce(0, +))
                line.caseManagersNeededSuppressed = withheld(here)
                lines.append(line)
            }
        }
        let e = sumExpected(rows)
        var total = ReportModel.ScopingLine(
            kind: .total, locality: "Total", pct: "", expectedPatients: e, firstTranche: tranche(e),
            found: rows.reduce(0) { $0 + $1.found }, caseManagersNeeded: rows.compactMap(need).reduce(0, +))
        total.caseManagersNeededSuppressed = withheld(rows)
        lines.append(total)
        return lines
    }
}

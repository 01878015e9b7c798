import CaseCore
import Ingest

extension ReportModel {
    /// What the page of one run is drawn from, as values. No clock time goes into it, so an
    /// identical re-run draws an identical page.
    public struct RunInputs {
        /// `run` or `incidence`.
        public var command: String
        public var version: String
        public var criteriaID: String
        public var criteriaTitle: String
        /// YYYY-MM-DD.
        public var asOf: String
        /// The population's minimum age.
        public var minAge: Int
        /// The criteria, in rank order.
        public var criteria: [(id: String, rank: Int)]
        /// The risk model's id, band names (lowest first) and the age it was validated from.
        public var risk: (id: String, bands: [String], validatedMinAge: Int?)?
        /// Registered patients, when the funnel has no `registered` step.
        public var registered: Int
        public var attrition: [(step: String, patients: Int)]
        public var cases: [CaseRecord]
        public var scoping: [ScopingRow]
        public var caseManagers: [CaseManagerLoad]
        /// nil when there is no earlier run to compare with.
        public var incident: [(row: CaseRecord, trigger: [String])]?
        /// Every extract's statistics, in contract order.
        public var inputs: [FileStats]
        public var rejectReasons: [String: Int]
        public var identifiable: Bool
        /// How the page releases its counts; under suppression no patient is put in the model.
        public var disclosure: DisclosurePolicy
        public var monitoring: [MonitoringRow] = []
        public var baseline = ""
        public var coverage: [CoverageLine] = []
        public var enrolment: [EnrolmentLine] = []
        public var screening: Screening? = nil

        public init(
            command: String, version: String, criteriaID: String, criteriaTitle: String, asOf: String, minAge: Int,
            criteria: [(id: String, rank: Int)], risk: (id: String, bands: [String], validatedMinAge: Int?)?, registered: Int,
            attrition: [(step: String, patients: Int)], cases: [CaseRecord], scoping: [ScopingRow], caseManagers: [CaseManagerLoad],
            incident: [(row: CaseRecord, trigger: [String])]?, inputs: [FileStats], rejectReasons: [String: Int], identifiable: Bool,
            disclosure: DisclosurePolicy
        ) {
            self.command = command
            self.version = version
            self.criteriaID = criteriaID
            self.criteriaTitle = criteriaTitle
            self.asOf = asOf
            self.minAge = minAge
            self.criteria = criteria
            self.risk = risk
            self.registered = registered
            self.attrition = attrition
            self.cases = cases
            self.scoping = scoping
            self.caseManagers = caseManagers
            self.incident = incident
            self.inputs = inputs
            self.rejectReasons = rejectReasons
            self.identifiable = identifiable
            self.disclosure = disclosure
        }
    }

    /// The page of one run.
    public init(run i: RunInputs) {
        let step = Dictionary(i.attrition.map { ($0.step, $0.patients) }, uniquingKeysWith: { a, _ in a })
        let header = ReportModel.Header(
            title: "Case finding for case management: \(i.criteriaTitle)", criteriaSetID: i.criteriaID,
            criteriaSetTitle: i.criteriaTitle, asOf: i.asOf, command: "casefind \(i.command)",
            version: i.version, runKind: i.command == "incidence" ? .incidence : .run)
        let minAge = i.minAge
        let headline = ReportModel.Headline(
            registered: step["registered"] ?? i.registered, alive: step["alive"] ?? 0, aged65Plus: step["aged_\(minAge)_plus"] ?? 0,
            caseFound: i.cases.count, allocated: Self.count(i.cases, .allocated), waiting: Self.count(i.cases, .waiting),
            noCapacity: Self.count(i.cases, .noCapacity),
            incident: i.incident?.count)
        let policy = i.disclosure
        var m = ReportModel(header: header, headline: headline, identifiable: i.identifiable, disclosure: policy)
        m.funnel = i.attrition.map {
            ReportModel.FunnelStep(label: $0.step.replacingOccurrences(of: "_", with: " "), patients: $0.patients)
        }

        let localities = i.scoping.map(\.locality)
        let ranks = i.criteria.map(\.rank)
        let bands = i.risk?.bands ?? []
        let tally = Self.tally(i.cases, localities: localities, ranks: ranks, bands: bands)
        m.priorities = ReportModel.Priorities(
            columns: i.criteria.map { ReportModel.Column(id: "P\($0.rank)", label: $0.id) },
            localities: localities.indices.map { ReportModel.LocalityCounts(locality: localities[$0], counts: tally.priorities[$0]) })

        if let risk = i.risk {
            var caveat = ""
            if let v = risk.validatedMinAge {
                let under = i.cases.indices.count(where: { i.cases[$0].age < v })
                caveat =
                    "\(risk.id) was validated in people aged \(v) and over; below \(v) it is a ranking aid only. "
                    + "\(policy.release(under)) of the \(policy.release(i.cases.count)) case-found patients are under \(v)."
            }
            m.riskBands = ReportModel.RiskBands(
                bands: bands.map { ReportModel.Column(id: $0) }, overall: tally.overallBands,
                localities: localities.indices.map { ReportModel.LocalityCounts(locality: localities[$0], counts: tally.bands[$0]) },
                caveat: caveat)
        }

        m.scoping = Self.scopingLines(i.scoping, disclosure: policy)
        m.localityCapacity = i.scoping.map {
            ReportModel.LocalityCapacity(
                locality: $0.locality, capacity: $0.capacity, reserved: $0.reserved, allocated: $0.allocated, waiting: $0.waiting,
                noCapacity: $0.noCapacity)
        }
        m.caseManagers = i.caseManagers.sorted { ($0.locality, $0.id) < ($1.locality, $1.id) }

        if let incident = i.incident {
            var byTrigger: [String: Int] = [:]
            for (_, trigger) in incident { for t in trigger { byTrigger[t, default: 0] += 1 } }
            let order = i.criteria.map(\.id)
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

        m.inputFiles = i.inputs.compactMap { s in
            guard s.present else { return nil }
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
        self = m
    }

    /// How many cases have `status`, each looked at where it is (`count(where:)` copied every
    /// case record it passed to its condition).
    static func count(_ cases: [CaseRecord], _ status: CaseStatus) -> Int {
        var n = 0
        for k in cases.indices where cases[k].status == status { n += 1 }
        return n
    }

    /// Case counts per locality by priority (a column per rank) and by risk band (a column
    /// per band name), and by band overall, in one pass over the cases without copying them:
    /// a filtered copy of the list per locality was most of the time to draw the page.
    static func tally(
        _ cases: [CaseRecord], localities: [String], ranks: [Int], bands: [String]
    ) -> (priorities: [[Int]], bands: [[Int]], overallBands: [Int]) {
        var places: [String: [Int]] = [:]
        for (k, name) in localities.enumerated() { places[name, default: []].append(k) }
        var priorities = Array(repeating: Array(repeating: 0, count: ranks.count), count: localities.count)
        var byBand = Array(repeating: Array(repeating: 0, count: bands.count), count: localities.count)
        var overall = Array(repeating: 0, count: bands.count)
        for c in cases.indices {
            let priority = cases[c].priority
            let here = places[cases[c].locality] ?? []
            for b in bands.indices where bands[b] == cases[c].riskBand {
                overall[b] += 1
                for k in here { byBand[k][b] += 1 }
            }
            for k in here {
                for (j, rank) in ranks.enumerated() where rank == priority { priorities[k][j] += 1 }
            }
        }
        return (priorities, byBand, overall)
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

import CaseCore
import Ingest

extension ScopingRow {
    /// scoping.csv's rows: every locality named in localities.csv, practices.csv,
    /// case_managers.csv or the case list, sorted by name.
    /// - Parameter caseloads: each active case manager's locality, caseload_max and reserve.
    public static func rows(
        _ cases: [CaseRecord], practices: some Collection<PracticeRow>, localities: [LocalityRow], caseManagers: [CaseManagerRow],
        caseloads: [(locality: String, caseloadMax: Int, reserved: Int)]
    ) -> [ScopingRow] {
        let managers = caseManagers
        var pctOf: [String: String] = [:]
        for p in practices.sorted(by: { $0.code < $1.code }) where pctOf[p.locality] == nil { pctOf[p.locality] = p.pct }
        var expected: [String: Int] = [:]
        for l in localities {
            expected[l.locality] = l.expectedPatients
            if let pct = l.pct { pctOf[l.locality] = pct }
        }
        var names = Set(pctOf.keys).union(expected.keys).union(managers.map(\.locality)).union(cases.map(\.locality))
        names.remove("")
        var rows: [ScopingRow] = []
        for name in names.sorted() {
            var row = ScopingRow(
                locality: name, pct: pctOf[name] ?? "", expectedPatients: expected[name], found: 0, capacity: 0, reserved: 0,
                allocated: 0, waiting: 0, noCapacity: 0, activeCaseManagers: 0)
            for c in caseloads where c.locality == name {
                row.capacity += c.caseloadMax
                row.reserved += c.reserved
                row.activeCaseManagers += 1
            }
            for c in cases where c.locality == name {
                row.found += 1
                switch c.status {
                case .allocated: row.allocated += 1
                case .waiting: row.waiting += 1
                default: row.noCapacity += 1
                }
            }
            rows.append(row)
        }
        return rows
    }
}

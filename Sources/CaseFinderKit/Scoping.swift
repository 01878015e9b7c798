import Allocate
import CaseCore
import Facts
import Report

/// The capacity stage: fits the case list to the case managers and sums it up per locality.
public struct CapacityResult {
    /// cases.csv rows with status, case manager and waiting position filled, in the same
    /// order as the search result (locality, then allocation order).
    public var cases: [CaseRecord]
    public var allocation: Allocation
    /// One row per locality: every locality named in localities.csv, practices.csv,
    /// case_managers.csv or the case list, sorted by name.
    public var scoping: [ScopingRow]
}

extension Pipeline {
    /// scoping.csv's rows: every locality named in localities.csv, practices.csv,
    /// case_managers.csv or the case list, sorted by name.
    public static func scoping(_ cases: [CaseRecord], caseloads: [Caseload], store: FactStore) -> [ScopingRow] {
        let managers = store.caseManagers
        var pctOf: [String: String] = [:]
        for p in store.practices.values.sorted(by: { $0.code < $1.code }) where pctOf[p.locality] == nil { pctOf[p.locality] = p.pct }
        var expected: [String: Int] = [:]
        for l in store.localities {
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
            for c in caseloads where c.caseManager.locality == name {
                row.capacity += c.caseManager.caseloadMax
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

extension LoadedExtracts {
    /// case_managers.csv's rows as the allocator's case managers.
    var caseManagers: [CaseManager] {
        store.caseManagers.map { CaseManager(id: $0.id, locality: $0.locality, caseloadMax: $0.caseloadMax, active: $0.active) }
    }
}

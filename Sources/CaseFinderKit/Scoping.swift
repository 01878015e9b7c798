import Allocate
import CaseCore
import Report

extension LoadedExtracts {
    /// case_managers.csv's rows as the allocator's case managers.
    var caseManagers: [CaseManager] {
        self.store.caseManagers.map { CaseManager(id: $0.id, locality: $0.locality, caseloadMax: $0.caseloadMax, active: $0.active) }
    }

    /// scoping.csv's rows for a placed case list.
    func scoping(_ cases: [CaseRecord], caseloads: [Caseload]) -> [ScopingRow] {
        ScopingRow.rows(
            cases, practices: self.store.practices.values, localities: self.store.localities, caseManagers: self.store.caseManagers,
            caseloads: caseloads.map { ($0.caseManager.locality, $0.caseManager.caseloadMax, $0.reserved) })
    }
}

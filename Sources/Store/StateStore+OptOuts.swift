import GRDB

extension StateStore {
    /// What `forget` removed.
    public struct Forgotten: Sendable, Equatable {
        /// People removed from the store.
        public var people: Int
        /// Of those, how many were on a caseload at the latest run.
        public var onCaseload: Int

        public init(people: Int, onCaseload: Int) {
            self.people = people
            self.onCaseload = onCaseload
        }
    }

    /// Removes every trace of the people `isExcluded` names (patients who opted out since they
    /// were recorded): their rows in every run's patient list and their screening outcomes, in
    /// one transaction. `secure_delete` overwrites the deleted rows, so the file keeps no copy.
    public func forget(_ isExcluded: (String) -> Bool) throws(StateError) -> Forgotten {
        let people = try read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT person FROM run_patient UNION SELECT DISTINCT person FROM screening")
        }.filter(isExcluded)
        guard !people.isEmpty else { return Forgotten(people: 0, onCaseload: 0) }
        return try write { db in
            let latest = try Int64.fetchOne(db, sql: "SELECT id FROM run WHERE outcome = 'ok' ORDER BY id DESC LIMIT 1")
            var onCaseload = 0
            for chunk in stride(from: 0, to: people.count, by: 500).map({ Array(people[$0..<min(people.count, $0 + 500)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                if let latest {
                    onCaseload +=
                        try Int.fetchOne(
                            db,
                            sql:
                                "SELECT COUNT(DISTINCT person) FROM run_patient WHERE run_id = ? AND case_manager_id <> '' AND person IN (\(marks))",
                            arguments: StatementArguments([latest] + chunk.map { $0 as any DatabaseValueConvertible })) ?? 0
                }
                try db.execute(sql: "DELETE FROM run_patient WHERE person IN (\(marks))", arguments: StatementArguments(chunk))
                try db.execute(sql: "DELETE FROM screening WHERE person IN (\(marks))", arguments: StatementArguments(chunk))
            }
            return Forgotten(people: people.count, onCaseload: onCaseload)
        }
    }
}

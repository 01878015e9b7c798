import Foundation
import GRDB

/// Recording a run beside the writing of its files, and the two steps that keep the store and
/// the output folder in agreement when a run is killed between them.
///
/// A run's output files and its record in the store cannot change in one step (one is a
/// folder, the other a SQLite file), so a run is recorded in two:
///
/// 1. `PendingRecord.commit(..., awaiting:)` commits the run with outcome `pending`, the
///    output folder it writes and a random token;
/// 2. the output folder is swapped for the new files, the token among them
///    (`OutputDirectory.commit(runToken:)`);
/// 3. `confirmFiles(ofRun:)` sets the outcome to `ok`.
///
/// A run killed between 1 and 3 is settled by the next one (`settlePendingRuns`): when its
/// output folder holds its token, the files are in place and the run is confirmed; otherwise
/// the folder still holds the previous run's files, and the pending run (with its patients)
/// is deleted. Only `ok` runs are baselines, so a pending run is never compared with.
extension StateStore {
    /// Starts recording a run on another thread, in a transaction that stays open until
    /// `PendingRecord.commit` or `abandon`: the inserts overlap the writing of the output files.
    /// Nothing else may use this store until then (its queue is held by the open transaction).
    public func beginRecord(_ run: RunRecord, patients: [PatientState]) -> PendingRecord {
        PendingRecord(store: self, run: run, patients: patients)
    }

    /// Where a pending run's files are to appear, and the token that shows they did.
    public struct AwaitedFiles: Sendable, Equatable {
        public var folder: String
        public var token: String
        public init(folder: String, token: String) {
            self.folder = folder
            self.token = token
        }
    }

    /// A run being recorded: see `StateStore.beginRecord`.
    public final class PendingRecord: @unchecked Sendable {
        private struct Abandoned: Error {}
        private let decided = DispatchSemaphore(value: 0)
        private let inserted = DispatchSemaphore(value: 0)
        private let ended = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var final: (finished: String, timings: String, awaited: AwaitedFiles?)?
        private var outcome: Result<Int64, StateError>?
        private var over = false

        init(store: StateStore, run: RunRecord, patients: [PatientState]) {
            // The store is used by this thread alone until the recording ends (see beginRecord).
            nonisolated(unsafe) let store = store
            Thread.detachNewThread { [self] in
                let result = Result<Int64, StateError> { () throws(StateError) -> Int64 in
                    try store.write { db in
                        let id = try StateStore.insert(run, patients: patients, into: db)
                        self.inserted.signal()
                        self.decided.wait()
                        guard let final = self.lock.withLock({ self.final }) else { throw Abandoned() }
                        if let awaited = final.awaited {
                            try db.execute(
                                sql: """
                                    UPDATE run SET finished = ?, timings = ?, outcome = 'pending', out_folder = ?, commit_token = ?
                                    WHERE id = ?
                                    """,
                                arguments: [final.finished, final.timings, awaited.folder, awaited.token, id])
                        } else {
                            try db.execute(
                                sql: "UPDATE run SET finished = ?, timings = ? WHERE id = ?",
                                arguments: [final.finished, final.timings, id])
                        }
                        return id
                    }
                }
                self.lock.withLock { self.outcome = result }
                self.inserted.signal()  // when the inserts failed, nobody waits for them any more
                self.ended.signal()
            }
        }

        /// Waits until the run and its patients are inserted (not yet committed); returns the
        /// error that stopped them, if any. Check it before committing the output files, so
        /// that a state store that cannot take the run leaves no output either.
        public func waitUntilInserted() -> StateError? {
            inserted.wait()
            inserted.signal()
            return lock.withLock {
                if case .failure(let e) = outcome { return e }
                return nil
            }
        }

        /// Sets the run's finish time and timings, commits, and returns the run's id. With
        /// `awaiting`, the run is committed as `pending` until `confirmFiles(ofRun:)`.
        public func commit(finished: String, timings: String, awaiting: AwaitedFiles? = nil) throws(StateError) -> Int64 {
            lock.withLock { final = (finished, timings, awaiting) }
            end()
            return try lock.withLock { outcome! }.get()
        }

        /// Rolls the recording back (the run failed) unless it has ended; waits for its end.
        public func abandon() { end() }

        private func end() {
            guard
                !lock.withLock({ () -> Bool in
                    defer { over = true }
                    return over
                })
            else { return }
            decided.signal()
            ended.wait()
        }
    }

    /// The run's files are in place: a pending run becomes `ok`.
    public func confirmFiles(ofRun id: Int64) throws(StateError) {
        try write { db in try db.execute(sql: "UPDATE run SET outcome = 'ok' WHERE id = ? AND outcome = 'pending'", arguments: [id]) }
    }

    /// The run's files never reached its output folder: the pending run and its patients go.
    public func discardPendingRun(_ id: Int64) throws(StateError) {
        try write { db in try db.execute(sql: "DELETE FROM run WHERE id = ? AND outcome = 'pending'", arguments: [id]) }
    }

    /// What `settlePendingRuns` did: the ids of runs confirmed and of runs removed.
    public struct Settled: Sendable, Equatable {
        public var confirmed: [Int64]
        public var discarded: [Int64]
        public init(confirmed: [Int64] = [], discarded: [Int64] = []) {
            self.confirmed = confirmed
            self.discarded = discarded
        }
    }

    /// Settles every run a kill left `pending`: confirmed when `filesLanded(folder, token)` says
    /// its output folder holds its token, deleted otherwise. Call it with the store locked,
    /// before the baseline is read.
    public func settlePendingRuns(filesLanded: (_ folder: String, _ token: String) -> Bool) throws(StateError) -> Settled {
        let pending = try read { db in
            try Row.fetchAll(db, sql: "SELECT id, out_folder, commit_token FROM run WHERE outcome = 'pending' ORDER BY id").map {
                (id: $0["id"] as Int64, folder: $0["out_folder"] as String?, token: $0["commit_token"] as String?)
            }
        }
        var settled = Settled()
        for run in pending {
            if let folder = run.folder, let token = run.token, filesLanded(folder, token) {
                try confirmFiles(ofRun: run.id)
                settled.confirmed.append(run.id)
            } else {
                try discardPendingRun(run.id)
                settled.discarded.append(run.id)
            }
        }
        return settled
    }
}

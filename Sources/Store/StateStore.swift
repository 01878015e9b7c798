import CaseCore
import Foundation
import GRDB
import GRDBSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// The embedded SQLite state store (GRDB): run history, each run's patients, screening outcomes.
///
/// The only module that touches SQLite. A run is recorded in one transaction, so a run killed
/// at any point leaves the store as it was. `lock()` takes an exclusive, non-blocking lock
/// (flock) on the file for the whole run: a second run against the same store fails at once.
public final class StateStore {
    public let path: String
    private let queue: DatabaseQueue
    private var lockFD: Int32 = -1

    /// The schema version this build writes (also in SQLite's `user_version`).
    public static let schemaVersion = 5

    /// SQLite's `application_id` of a casefind state store: "CFnd".
    public static let applicationID: Int32 = 0x4346_6E64

    /// Opens (creating if needed, mode 0600) and migrates the store. A database that is not
    /// casefind's (another application's id, or tables of its own and no casefind migrations),
    /// or one a newer casefind wrote, is refused and left untouched.
    public init(path: String) throws(StateError) {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else { throw StateError("cannot open state store \(path): \(String(cString: strerror(errno)))") }
        close(fd)
        do {
            var config = Configuration()
            config.busyMode = .immediateError
            // Deleted rows (patients who opted out) are overwritten, not left in free pages.
            config.prepareDatabase { db in try db.execute(sql: "PRAGMA secure_delete = ON") }
            queue = try DatabaseQueue(path: path, configuration: config)
            try Self.checkOwnership(queue, path: path)
            try StateStore.migrator.migrate(queue)
            // Set once: a store already marked is not written to by opening it.
            let marked = try queue.read { db in
                (try Int32.fetchOne(db, sql: "PRAGMA application_id"), try Int.fetchOne(db, sql: "PRAGMA user_version"))
            }
            if marked.0 != Self.applicationID || marked.1 != Self.schemaVersion {
                try queue.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA application_id = \(Self.applicationID)")
                    try db.execute(sql: "PRAGMA user_version = \(Self.schemaVersion)")
                }
            }
        } catch let error as StateError {
            throw error
        } catch let error as DatabaseError {
            throw StateError("state store \(path): \(error.message ?? error.description)")
        } catch {
            throw StateError("state store \(path): \(error)")
        }
    }

    deinit {
        if lockFD >= 0 { close(lockFD) }
    }

    /// Refuses, before anything is written, a database that is not a casefind state store or
    /// that a newer casefind wrote. A store made before `application_id` was set (id 0, casefind's
    /// migrations and nothing else) is casefind's.
    private static func checkOwnership(_ queue: DatabaseQueue, path: String) throws {
        let (id, version, tables, superseded) = try queue.read { db in
            let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            let superseded = tables.contains("grdb_migrations") ? try migrator.hasBeenSuperseded(db) : false
            return (id, version, tables, superseded)
        }
        // casefind's tables and nothing else, whatever the id says: a file another program
        // marked with casefind's id, or gave tables of its own, is not taken over.
        let known: Set = ["grdb_migrations", "run", "run_patient", "screening"]
        let ours =
            tables.isEmpty
            || ((id == applicationID || id == 0) && Set(tables).isSubset(of: known) && tables.contains("grdb_migrations")
                && tables.contains("run"))
        guard ours else {
            let shown = tables.prefix(5).map { Shown.value($0, limit: 40) }.joined(separator: ", ") + (tables.count > 5 ? ", ..." : "")
            throw StateError(
                "\(path) is not a casefind state store (SQLite application_id \(id), tables \(shown)): it is left untouched; give --state a file of casefind's own"
            )
        }
        guard !superseded && version <= schemaVersion else {
            throw StateError(
                "the state store \(path) was written by a newer casefind (schema \(version)); this one reads schema \(schemaVersion) and leaves it untouched"
            )
        }
    }

    /// Takes the store's run lock without waiting: throws `isLocked` when another process holds it.
    public func lock() throws(StateError) {
        guard lockFD < 0 else { return }
        let fd = open(path, O_RDWR)
        guard fd >= 0 else { throw StateError("cannot open state store \(path): \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            throw StateError("another casefind run holds the state store \(path); try again when it has finished", isLocked: true)
        }
        lockFD = fd
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.create(table: "run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("command", .text).notNull()
                t.column("as_of", .text).notNull()
                t.column("criteria_id", .text).notNull()
                t.column("criteria_sha256", .text).notNull()
                t.column("inputs", .text).notNull()
                t.column("fingerprint", .text).notNull()
                t.column("baseline_run_id", .integer)
                t.column("screening_watermark", .integer).notNull()
                t.column("registered", .integer).notNull()
                t.column("case_found", .integer).notNull()
                t.column("allocated", .integer).notNull()
                t.column("waiting", .integer).notNull()
                t.column("incident", .integer).notNull()
                t.column("started", .text).notNull()
                t.column("finished", .text).notNull()
                t.column("outcome", .text).notNull()
            }
            try db.create(table: "run_patient") { t in
                t.column("run_id", .integer).notNull().references("run", onDelete: .cascade)
                t.column("person", .text).notNull()
                t.column("locality", .text).notNull()
                t.column("priority", .integer).notNull()
                t.column("criteria", .text).notNull()
                t.column("risk_tenths", .integer).notNull()
                t.column("status", .text).notNull()
                t.column("case_manager_id", .text).notNull()
                t.column("waiting_position", .integer)
                t.column("reserved_place", .boolean).notNull()
                t.primaryKey(["run_id", "person"])
            }
            try db.create(table: "screening") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("person", .text).notNull().indexed()
                t.column("outcome", .text).notNull()
                t.column("date", .text).notNull()
                t.column("case_manager_id", .text).notNull()
                t.column("criteria_at_outcome", .text).notNull()
                t.column("imported", .text).notNull()
            }
        }
        m.registerMigration("v2: run timings") { db in
            try db.alter(table: "run") { t in t.add(column: "timings", .text).notNull().defaults(to: "{}") }
        }
        m.registerMigration("v3: run patients by person") { db in
            // The measures look up the runs that found the screened patients, not every run's list.
            try db.create(index: "run_patient_person", on: "run_patient", columns: ["person"])
        }
        m.registerMigration("v4: opt-out policy") { db in
            try db.alter(table: "run") { t in t.add(column: "opt_outs", .text).notNull().defaults(to: "") }
        }
        m.registerMigration("v5: files awaited") { db in
            // A run is recorded as `pending` before its files are put in place, and settled by
            // the token in the output folder (StateStore+Recording.swift).
            try db.alter(table: "run") { t in
                t.add(column: "out_folder", .text)
                t.add(column: "commit_token", .text)
            }
        }
        return m
    }

    // MARK: - reading

    /// Recorded runs, newest first.
    public func runs(includingFailed: Bool = true) throws(StateError) -> [RunRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run \(includingFailed ? "" : "WHERE outcome = 'ok' ") ORDER BY id DESC").map(Self.run)
        }
    }

    /// The latest successful run.
    public func latestRun() throws(StateError) -> RunRecord? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM run WHERE outcome = 'ok' ORDER BY id DESC LIMIT 1").map(Self.run) }
    }

    public func run(id: Int64) throws(StateError) -> RunRecord? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]).map(Self.run) }
    }

    /// The patients recorded by a run.
    public func patients(ofRun id: Int64) throws(StateError) -> [PatientState] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run_patient WHERE run_id = ? ORDER BY person", arguments: [id]).map(Self.patient)
        }
    }

    /// The patients of every run who have at least one screening outcome, by run id, each
    /// run's in person order: what screening timeliness needs from the history, which stays
    /// small however many runs there are.
    public func screenedPatientsByRun() throws(StateError) -> [Int64: [PatientState]] {
        try read { db in
            var out: [Int64: [PatientState]] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM run_patient WHERE person IN (SELECT DISTINCT person FROM screening) ORDER BY run_id, person
                    """)
            for r in rows { out[r["run_id"], default: []].append(Self.patient(r)) }
            return out
        }
    }

    /// Screening outcomes with ids in `after+1 ... through`, in id order.
    public func screening(after: Int64 = 0, through: Int64 = .max) throws(StateError) -> [ScreeningOutcome] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM screening WHERE id > ? AND id <= ? ORDER BY id", arguments: [after, through]).map {
                r in
                ScreeningOutcome(
                    id: r["id"], person: r["person"], outcome: ScreeningOutcome.Kind(rawValue: r["outcome"]) ?? .declined, date: r["date"],
                    caseManagerID: r["case_manager_id"], criteriaAtOutcome: Self.split(r["criteria_at_outcome"]))
            }
        }
    }

    /// The highest screening outcome id (0 when none).
    public func screeningWatermark() throws(StateError) -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM screening") ?? 0 }
    }

    // MARK: - writing

    /// Records a run and its patients in one transaction; returns the run's id.
    @discardableResult
    public func record(_ run: RunRecord, patients: [PatientState]) throws(StateError) -> Int64 {
        try write { db in try Self.insert(run, patients: patients, into: db) }
    }

    static func insert(_ run: RunRecord, patients: [PatientState], into db: Database) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO run (command, as_of, criteria_id, criteria_sha256, inputs, fingerprint, baseline_run_id,
                  screening_watermark, registered, case_found, allocated, waiting, incident, started, finished, outcome, timings,
                  opt_outs)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                run.command, run.asOf, run.criteriaID, run.criteriaSHA256, run.inputs, run.fingerprint, run.baselineRunID,
                run.screeningWatermark, run.registered, run.caseFound, run.allocated, run.waiting, run.incident, run.started,
                run.finished, run.outcome, run.timings, run.optOutPolicy,
            ])
        let id = db.lastInsertedRowID
        let insert = try db.makeStatement(
            sql: """
                INSERT INTO run_patient (run_id, person, locality, priority, criteria, risk_tenths, status, case_manager_id,
                  waiting_position, reserved_place) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        // Tens of thousands of rows: bound straight through SQLite's C API on GRDB's prepared
        // statement, in the same transaction (in a profile, GRDB's per-row argument arrays
        // took several times SQLite's own work).
        let s = insert.sqliteStatement
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        func text(_ index: Int32, _ value: String) { sqlite3_bind_text(s, index, value, -1, transient) }
        for p in patients {
            sqlite3_reset(s)
            sqlite3_bind_int64(s, 1, id)
            text(2, p.person)
            text(3, p.locality)
            sqlite3_bind_int64(s, 4, Int64(p.priority))
            text(5, p.criteria.joined(separator: ";"))
            sqlite3_bind_int64(s, 6, Int64(p.riskTenths))
            text(7, p.status.rawValue)
            text(8, p.caseManagerID)
            if let w = p.waitingPosition { sqlite3_bind_int64(s, 9, Int64(w)) } else { sqlite3_bind_null(s, 9) }
            sqlite3_bind_int64(s, 10, p.reservedPlace ? 1 : 0)
            let code = sqlite3_step(s)
            guard code == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
        }
        sqlite3_reset(s)
        sqlite3_clear_bindings(s)
        return id
    }

    /// Adds screening outcomes in one transaction; returns their ids.
    @discardableResult
    public func importScreening(_ outcomes: [ScreeningOutcome], imported: String) throws(StateError) -> [Int64] {
        try write { db in
            var ids: [Int64] = []
            for o in outcomes {
                try db.execute(
                    sql:
                        "INSERT INTO screening (person, outcome, date, case_manager_id, criteria_at_outcome, imported) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [
                        o.person, o.outcome.rawValue, o.date, o.caseManagerID, o.criteriaAtOutcome.joined(separator: ";"), imported,
                    ])
                ids.append(db.lastInsertedRowID)
            }
            return ids
        }
    }

    // MARK: - plumbing

    private static func split(_ text: String) -> [String] { text.isEmpty ? [] : text.split(separator: ";").map(String.init) }

    private static func patient(_ r: Row) -> PatientState {
        PatientState(
            person: r["person"], locality: r["locality"], priority: r["priority"], criteria: Self.split(r["criteria"]),
            riskTenths: r["risk_tenths"],
            // A word this version does not know (a newer casefind's) holds no place.
            status: CaseStatus(rawValue: r["status"]) ?? .noCapacity, caseManagerID: r["case_manager_id"],
            waitingPosition: r["waiting_position"], reservedPlace: r["reserved_place"])
    }

    private static func run(_ r: Row) -> RunRecord {
        RunRecord(
            id: r["id"], command: r["command"], asOf: r["as_of"], criteriaID: r["criteria_id"], criteriaSHA256: r["criteria_sha256"],
            inputs: r["inputs"], fingerprint: r["fingerprint"], baselineRunID: r["baseline_run_id"],
            screeningWatermark: r["screening_watermark"],
            registered: r["registered"], caseFound: r["case_found"], allocated: r["allocated"], waiting: r["waiting"],
            incident: r["incident"],
            started: r["started"], finished: r["finished"], outcome: r["outcome"], timings: r["timings"], optOutPolicy: r["opt_outs"])
    }

    func read<T>(_ body: (Database) throws -> T) throws(StateError) -> T {
        do { return try queue.read(body) } catch { throw StateError("state store \(path): \(error)") }
    }

    func write<T>(_ body: (Database) throws -> T) throws(StateError) -> T {
        do { return try queue.write(body) } catch { throw StateError("state store \(path): \(error)") }
    }
}

import Foundation
import GRDB
import Store
import TestSupport
import Testing

/// The state store knows its own: another application's SQLite file, or a store a newer
/// casefind wrote, is refused and left byte for byte as it was.
@Suite struct StateOwnershipTests {
    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func aNewStoreIsMarkedAsCasefinds() throws {
        let path = temporaryFolder("state") + "/s.sqlite"
        _ = try StateStore(path: path)
        let queue = try DatabaseQueue(path: path)
        #expect(try queue.read { try Int32.fetchOne($0, sql: "PRAGMA application_id") } == StateStore.applicationID)
        #expect(try queue.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == StateStore.schemaVersion)
        // Opened again, it is accepted.
        _ = try StateStore(path: path)
    }

    /// Another application's database, with another id, none, or casefind's own (the
    /// campaign's V6: casefind's id with a table of its own was taken over and migrated).
    @Test(arguments: [0, 0x1234_5678, Int(StateStore.applicationID)])
    func anotherApplicationsDatabaseIsLeftUntouched(id: Int) throws {
        let path = temporaryFolder("state") + "/other.sqlite"
        let other = try DatabaseQueue(path: path)
        try other.write { db in
            try db.execute(sql: "CREATE TABLE patients (nhs_number TEXT, notes TEXT)")
            try db.execute(sql: "INSERT INTO patients VALUES ('x', 'y')")
            try db.execute(sql: "PRAGMA application_id = \(id)")
        }
        try other.close()
        let before = try Self.bytes(path)
        do {
            _ = try StateStore(path: path)
            Issue.record("took another application's database")
        } catch {
            #expect("\(error)".contains("is not a casefind state store (SQLite application_id \(id), tables patients)"))
        }
        #expect(try Self.bytes(path) == before)
    }

    /// casefind's own store with another table added to it is not casefind's any more.
    @Test func aStoreWithAForeignTableIsRefused() throws {
        let path = temporaryFolder("state") + "/s.sqlite"
        _ = try StateStore(path: path)
        try DatabaseQueue(path: path).write { try $0.execute(sql: "CREATE TABLE notes (text TEXT)") }
        let before = try Self.bytes(path)
        #expect {
            _ = try StateStore(path: path)
        } throws: { error in
            "\(error)".contains("tables grdb_migrations, notes, run, run_patient, screening): it is left untouched")
        }
        #expect(try Self.bytes(path) == before)
    }

    @Test func aStoreANewerCasefindWroteIsRefused() throws {
        let path = temporaryFolder("state") + "/s.sqlite"
        _ = try StateStore(path: path)
        try DatabaseQueue(path: path).writeWithoutTransaction { try $0.execute(sql: "PRAGMA user_version = 99") }
        let before = try Self.bytes(path)
        do {
            _ = try StateStore(path: path)
            Issue.record("opened a newer schema")
        } catch {
            #expect("\(error)".contains("was written by a newer casefind (schema 99)"))
        }
        #expect(try Self.bytes(path) == before)
        // A migration this build does not know is newer too.
        let other = temporaryFolder("state") + "/s.sqlite"
        _ = try StateStore(path: other)
        try DatabaseQueue(path: other).write {
            try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9: from the future')")
            try $0.execute(sql: "PRAGMA user_version = 0")
        }
        #expect(throws: (any Error).self) { try StateStore(path: other) }
    }

    /// A store made before the id was set (id 0, casefind's own tables) is casefind's.
    @Test func anUnmarkedStoreOfCasefindsIsAdopted() throws {
        let path = temporaryFolder("state") + "/s.sqlite"
        _ = try StateStore(path: path)
        try DatabaseQueue(path: path).writeWithoutTransaction {
            try $0.execute(sql: "PRAGMA application_id = 0")
            try $0.execute(sql: "PRAGMA user_version = 0")
        }
        _ = try StateStore(path: path)
        #expect(try DatabaseQueue(path: path).read { try Int32.fetchOne($0, sql: "PRAGMA application_id") } == StateStore.applicationID)
    }

    /// End to end: `--state` naming another application's file exits 73 and changes nothing.
    @Test func aRunGivenAForeignStateExits73() throws {
        let folder = temporaryFolder("state")
        let path = folder + "/app.sqlite"
        try DatabaseQueue(path: path).write { try $0.execute(sql: "CREATE TABLE settings (k TEXT, v TEXT)") }
        let before = try Self.bytes(path)
        let r = try casefind(
            "run", repositoryRoot() + "/sample-extracts", asOf: "2026-11-22", out: folder + "/out", extra: ["--state", path])
        #expect(r.status == 73, "\(r.stderr)")
        #expect(r.stderr.contains("is not a casefind state store"))
        #expect(try Self.bytes(path) == before)
    }
}

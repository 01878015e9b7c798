import CaseCore
import Foundation
import Ingest
import TestSupport
import Testing

/// The opt-out register as the readers use it: opt_outs.csv under each policy, the spine, and
/// activity rows of excluded patients dropped (malformed or not) before any check.
@Suite struct OptOutReaderTests {
    static let optOuts = """
        nhs_number,type,recorded_date
        \(nhs(1)),type1,2026-01-01
        \(nhs(2)),NDOO,
        \(nhs(3)),type 2,2026-01-01
        \(nhs(4)),,2026-01-01
        \(nhs(5)),type1,31/01/2026
        9434765918,type1,
        """ + "\n"

    func register(_ policy: String, files: [String: String] = [:], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws
        -> (OptOutRegister, ExtractReader, DiagnosticCollector)
    {
        let sink = DiagnosticCollector()
        let register = OptOutRegister(policy: try #require(OptOutPolicy(parsing: policy), sourceLocation: sourceLocation))
        let reader = ExtractReader(
            directory: extractsFolder(["opt_outs.csv": Self.optOuts].merging(files) { $1 }, sourceLocation: sourceLocation), sink: sink,
            optOuts: register)
        try reader.readOptOuts(into: register)
        return (register, reader, sink)
    }

    func key(_ n: Int, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> UInt64 {
        try #require(NHSNumber.parse(nhs(n)), sourceLocation: sourceLocation)
    }

    /// A missing or unknown type, or an unreadable date, is reported and still honoured under
    /// every policy but none; an invalid NHS number is an ordinary reject. No raw record is shown.
    @Test(arguments: [
        ("type1,ndoo", [1, 2, 3, 4, 5]), ("type1", [1, 3, 4, 5]), ("ndoo", [2, 3, 4]), ("none", []),
    ])
    func whoIsExcluded(policy: String, excluded: [Int]) throws {
        let (register, reader, sink) = try register(policy)
        for n in 1...6 { #expect(try register.excludes(key(n)) == excluded.contains(n), "\(n) under \(policy)") }
        #expect(sink.diagnostics.map { "\($0.location.line) \($0.field)" } == ["4 type", "5 type", "6 recorded_date", "7 nhs_number"])
        #expect(sink.diagnostics.allSatisfy { $0.record.isEmpty })
        let s = try #require(reader.stats[.optOuts])
        #expect((s.read, s.accepted, s.rejected) == (6, 2, 4))
    }

    @Test func policyText() {
        #expect(OptOutPolicy(parsing: "ndoo, type1")?.description == "type1,ndoo")
        #expect(OptOutPolicy(parsing: "NONE")?.description == "none")
        #expect(OptOutPolicy(parsing: "type1,") == nil)
        #expect(OptOutPolicy(parsing: "none,type1") == nil)
        #expect(OptOutPolicy(parsing: "") == nil)
        #expect(OptOutPolicy.default.description == "type1,ndoo")
    }

    /// Rows of an excluded patient in activity files are counted as opted out and never
    /// reported, even with the wrong number of fields or an unreadable date; the same defects
    /// in another patient's rows are rejects; an excluded number not on the spine is opted out
    /// too, not unregistered.
    @Test func activityRowsOfExcludedPatientsAreDroppedUnread() throws {
        let prescriptions = """
            nhs_number,issue_date,bnf_code,drug_name,quantity
            \(nhs(1)),2026-10-01,0212000B0AAAAAA,Drug,28
            \(nhs(1)),2026-10-01,0212000B0AAAAAA,Drug,28,extra,fields
            \(nhs(2)),2026-13-01,0212000B0AAAAAA,Drug,28
            \(nhs(2))
            \(nhs(9)),2026-10-01,0212000B0AAAAAA,Drug,28,extra
            \(nhs(9)),2026-13-01,0212000B0AAAAAA,Drug,28
            \(nhs(9)),2026-10-01,0212000B0AAAAAA,Drug,28
            """ + "\n"
        let (_, reader, sink) = try register("type1,ndoo", files: ["prescriptions.csv": prescriptions])
        var used: [UInt64] = []
        try reader.readPrescriptions { rows in
            used += rows.map(\.person)
            return 0
        }
        #expect(try used == [key(9)])
        let s = try #require(reader.stats[.prescriptions])
        #expect((s.read, s.accepted, s.rejected, s.optedOut) == (7, 1, 2, 4))
        let rx = sink.diagnostics.filter { $0.location.file == "prescriptions.csv" }
        #expect(rx.map(\.location.line) == [6, 7])
        #expect(!rx.contains { $0.record.contains(nhs(1)) || $0.record.contains(nhs(2)) })
    }

    /// A record too long to read is dropped as opted out when its first bytes name an excluded
    /// patient, and leaves nothing in rejects.csv; another patient's is rejected with its first
    /// bytes shown; one whose first bytes do not hold the person field whole is rejected with
    /// no raw text, as it may be an excluded patient's.
    @Test func aRecordTooLongToReadOfAnExcludedPatientLeavesNoTrace() throws {
        let long = String(repeating: "x", count: 70_000)
        let prescriptions = """
            nhs_number,issue_date,bnf_code,drug_name,quantity
            \(nhs(1)),2026-10-01,0212000B0AAAAAA,\(long),28
            "\(nhs(2))",2026-10-01,0212000B0AAAAAA,"\(long)",28
            \(nhs(9)),2026-10-01,0212000B0AAAAAA,\(long),28
            \(long)\(nhs(1)),2026-10-01,0212000B0AAAAAA,Drug,28
            \(nhs(9)),2026-10-01,0212000B0AAAAAA,Drug,28
            """ + "\n"
        let (_, reader, sink) = try register("type1,ndoo", files: ["prescriptions.csv": prescriptions])
        reader.maxRecordBytes = 65_536
        try reader.readPrescriptions { _ in 0 }
        let s = try #require(reader.stats[.prescriptions])
        #expect((s.read, s.accepted, s.rejected, s.optedOut) == (5, 1, 2, 2))
        let rx = sink.diagnostics.filter { $0.location.file == "prescriptions.csv" }
        #expect(rx.map(\.location.line) == [4, 5])
        #expect(rx.first?.record.hasPrefix("\(nhs(9)),2026-10-01,") == true)
        #expect(rx.last?.record == "")
        #expect(!rx.contains { $0.record.contains(nhs(1)) || $0.record.contains(nhs(2)) })
    }

    /// The spine: excluded patients are dropped and counted once each, per type; with the
    /// national service's cleared list, spine patients missing from it are excluded as ndoo.
    @Test func theSpineAndTheClearedList() throws {
        let patients = """
            nhs_number,date_of_birth,sex,gp_practice
            \(nhs(1)),1940-01-01,F,F1
            \(nhs(1)),1940-01-01,F,F1
            \(nhs(2)),1940-01-01,F,F1
            \(nhs(7)),1940-01-01,F,F1
            \(nhs(8)),1940-01-01,F,F1
            """ + "\n"
        let (register, reader, _) = try register("type1,ndoo", files: ["patients.csv": patients])
        register.setCleared(try [key(1), key(2), key(8)])
        var spine: [UInt64] = []
        try reader.readPatients { row in
            spine.append(row.person)
            return .accepted
        }
        #expect(try spine == [key(8)])
        #expect(register.excludedOnSpine == 3)
        #expect(register.excludedOnSpineByType == [.type1: 1, .ndoo: 2])
        #expect(reader.stats[.patients]?.optedOut == 4)
        #expect(try register.excludes(key(7)))
    }

    @Test func theClearedListFile() throws {
        let folder = temporaryFolder("cleared")
        let path = folder + "/reply.dat"
        try (Data([0xEF, 0xBB, 0xBF]) + Data("\(nhs(1)),\r\n\n \(nhs(2))\n943 476 5919,".utf8)).write(to: URL(fileURLWithPath: path))
        #expect(try ClearedList.read(path: path, personID: .nhsNumber) == [key(1), key(2), 9_434_765_919])
        try "\(nhs(1)),\n9434765918,\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) { try ClearedList.read(path: path, personID: .nhsNumber) }
        do {
            _ = try ClearedList.read(path: path, personID: .nhsNumber)
        } catch {
            #expect(error.location?.line == 2)
            #expect(!error.description.contains("9434765918"), "the number is not echoed")
        }
        #expect(throws: ConfigurationError.self) { try ClearedList.read(path: path, personID: .opaque) }
    }

    @Test func theRequestFile() throws {
        #expect(ClearedList.request([9_434_765_919, 12]) == Array("9434765919,\n0000000012,\n".utf8))
        let day = try #require(DateFormat.iso.parse("2026-02-05"))
        #expect(ClearedList.requestFileName(mailbox: "X26HC001", day: day, existing: []) == "X26HC001-050226-0001.dat")
        let existing = ["X26HC001-050226-0001.dat", "X26HC001-050226-0009.dat", "X26HC001-040226-0012.dat", "Y-050226-0020.dat"]
        #expect(ClearedList.requestFileName(mailbox: "X26HC001", day: day, existing: existing) == "X26HC001-050226-0010.dat")
    }
}

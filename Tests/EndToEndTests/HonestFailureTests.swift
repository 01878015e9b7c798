import CaseCore
import Foundation
import Report
import TestSupport
import Testing

/// Failures that say what they are (issue 16): a run that cannot do what it was asked stops
/// before it works, with a message naming the cause, rather than exiting 0 having done less.
@Suite struct HonestFailureTests {
    /// `--timings` into a folder that does not exist once exited 0 and wrote nothing there.
    @Test func timingsIntoAMissingFolderStopTheRunFirst() throws {
        let out = temporaryFolder() + "/out"
        let r = try casefind(
            "run", repositoryRoot() + "/sample-extracts", asOf: "2026-11-22", out: out, extra: ["--timings", "/nonexistent-folder/t.json"])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("--timings /nonexistent-folder/t.json: the folder /nonexistent-folder does not exist"))
        #expect(!FileManager.default.fileExists(atPath: out))
        // A folder given as the file is refused too; a writable place works.
        let folder = temporaryFolder()
        let asFolder = try casefind(
            "run", repositoryRoot() + "/sample-extracts", asOf: "2026-11-22", out: out, extra: ["--timings", folder])
        #expect(asFolder.status == 65)
        let ok = try casefind(
            "run", repositoryRoot() + "/sample-extracts", asOf: "2026-11-22", out: out, extra: ["--timings", folder + "/t.json"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let timings = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/t.json"))) as? [String: Double])
        #expect(timings["total"] != nil)
    }

    /// A file with bare CR line ends was one physical line: every reject at line 1 with the
    /// file's first 64 KiB as its raw text (507 KB of input wrote a 526 MB rejects.csv). It is
    /// refused whole before anything is written; CRLF is read as always.
    @Test func bareCarriageReturnsAreRefusedWhole() throws {
        let cr = try sampleCopy(rewriting: ["practices.csv": { $0.replacingOccurrences(of: "\n", with: "\r") }])
        let out = temporaryFolder() + "/out"
        let r = try casefind("run", cr, asOf: "2026-11-22", out: out)
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("practices.csv ends its lines with a carriage return alone"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let crlf = try sampleCopy(rewriting: ["practices.csv": { $0.replacingOccurrences(of: "\n", with: "\r\n") }])
        #expect(try casefind("run", crlf, asOf: "2026-11-22", out: out).status == 0)
    }

    /// A reject writes at most 1 KiB of its value and 4 KiB of its raw record, cut on a
    /// character, saying how long it was.
    @Test func aRejectWritesABoundedAmount() throws {
        let path = temporaryFolder() + "/rejects.csv"
        FileManager.default.createFile(atPath: path, contents: nil)
        let file = RejectsFile(handle: try #require(FileHandle(forWritingAtPath: path)))
        let value = String(repeating: "é", count: 600)  // 1200 bytes
        let record = String(repeating: "r", count: 5_000)
        file.record(
            Diagnostic(
                location: SourceLocation(file: "prescriptions.csv", line: 2), severity: .reject, reason: "r", field: "bnf_code",
                value: value, record: record))
        try file.close()
        let rows = csvRecords(read(path))
        try #require(rows.count == 1)
        #expect(rows[0]["value"] == String(repeating: "é", count: 512) + "... [cut: 1200 bytes]")
        #expect(rows[0]["record"] == String(repeating: "r", count: 4_096) + "... [cut: 5000 bytes]")
    }
}

import CaseCore
import Foundation
import Report
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

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
        // A header ending in LF before CR-only data was accepted, every reject at line 2.
        let mixed = try sampleCopy(rewriting: [
            "prescriptions.csv": { text in
                let header = text.prefix { $0 != "\n" }
                return header + "\n" + text.dropFirst(header.count + 1).replacingOccurrences(of: "\n", with: "\r")
            }
        ])
        let refused = try casefind("run", mixed, asOf: "2026-11-22", out: out)
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains("prescriptions.csv ends its lines with a carriage return alone"))
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

    /// A 3 MB drug name is a reject (its line, the reason, 4 KiB of its raw text), not 3 MB of
    /// memory and a drug; the rows after it are read. A header longer than the limit stops the
    /// run; a lower limit may be set.
    @Test func aRecordLongerThanTheLimitIsRejectedUnread() throws {
        let long = String(repeating: "z", count: 3_000_000)
        var line = 0
        let extracts = try sampleCopy(rewriting: [
            "prescriptions.csv": { text in
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                lines.insert("\(nhs(1)),2026-10-01,0212000B0AAABAB,\(long),28", at: 3)
                line = 4
                return lines.joined(separator: "\n")
            }
        ])
        let out = temporaryFolder()
        let r = try casefind("run", extracts, asOf: "2026-11-22", out: out)
        #expect(r.status == 0, "\(r.stderr)")
        let rejected = csvRecords(read(out + "/rejects.csv")).filter { $0["file"] == "prescriptions.csv" && $0["line"] == "\(line)" }
        try #require(rejected.count == 1)
        #expect(rejected[0]["reason"] == "record longer than 1048576 bytes (--max-record-bytes): not read, only its first bytes shown")
        #expect((rejected[0]["record"] ?? "").utf8.count < 4_200)
        let plain = temporaryFolder()
        #expect(try casefind("run", repositoryRoot() + "/sample-extracts", asOf: "2026-11-22", out: plain).status == 0)
        #expect(read(out + "/cases.csv") == read(plain + "/cases.csv"))
        // A lower limit rejects more; one outside the range is a usage error.
        let lower = try casefind("run", extracts, asOf: "2026-11-22", out: temporaryFolder(), extra: ["--max-record-bytes", "65536"])
        #expect(lower.status == 0)
        let bad = try casefind("run", extracts, asOf: "2026-11-22", out: temporaryFolder(), extra: ["--max-record-bytes", "100"])
        #expect(bad.status == 64)
        // A header line over the limit stops the run before anything is written.
        let header = try sampleCopy(rewriting: ["residence.csv": { String(repeating: "h", count: 2_000_000) + "," + $0 }])
        let none = temporaryFolder() + "/out"
        let refused = try casefind("run", header, asOf: "2026-11-22", out: none)
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains("header line is longer than 1048576 bytes"))
        #expect(refused.stderr.utf8.count < 2_000)
        #expect(!FileManager.default.fileExists(atPath: none))
    }

    /// The staging folder's name was predictable (`.OUT.staging-PID`): a symlink planted there
    /// was written through. It is now made by mkdtemp, and a folder inside --out that is a link
    /// is refused rather than written into.
    @Test func noLinkIsWrittenThrough() throws {
        let here = temporaryFolder()
        let elsewhere = temporaryFolder()
        // Links at every name a staging folder could once have had for the next few processes.
        let pid = ProcessInfo.processInfo.processIdentifier
        for p in pid..<(pid + 400) {
            try FileManager.default.createSymbolicLink(atPath: here + "/.out.staging-\(p)", withDestinationPath: elsewhere)
        }
        let r = try casefind("run", repositoryRoot() + "/sample-extracts", asOf: "2026-11-22", out: here + "/out")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
        #expect(FileManager.default.fileExists(atPath: here + "/out/cases.csv"))
        // --out/caseloads as a link: refused, nothing written through it.
        try FileManager.default.removeItem(atPath: here + "/out/caseloads")
        try FileManager.default.createSymbolicLink(atPath: here + "/out/caseloads", withDestinationPath: elsewhere)
        let linked = try casefind("run", repositoryRoot() + "/sample-extracts", asOf: "2026-11-22", out: here + "/out")
        #expect(linked.status == 73, "\(linked.stderr)")
        #expect(linked.stderr.contains("caseloads is a symbolic link"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
    }

    /// An extract that is there but cannot be read is said to be unreadable, not missing, and
    /// stops the run before anything is written. Run as an unprivileged user (root reads
    /// anything), so only where the tests run as root and setpriv is there.
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func anUnreadableExtractIsSaidToBeUnreadable() throws {
        let extracts = try sampleCopy()
        chmod(extracts, 0o755)
        for name in try FileManager.default.contentsOfDirectory(atPath: extracts) { chmod(extracts + "/" + name, 0o644) }
        chmod(extracts + "/patients.csv", 0o600)
        let out = NSTemporaryDirectory() + "casefind-unreadable-\(UUID().uuidString)"
        let (status, output) = try runProgram(
            "/usr/bin/setpriv",
            [
                "--reuid=65534", "--regid=65534", "--clear-groups", CaseFind.binary, "run", "--extracts", extracts, "--criteria",
                repositoryRoot() + "/criteria/essex-2005.yaml", "--out", out, "--quiet",
            ])
        #expect(status == 65, "\(output)")
        #expect(output.contains("cannot open \(extracts)/patients.csv: Permission denied"), "\(output)")
        #expect(!output.contains("missing"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// A disk that fills (here a file-size limit, `ulimit -f`): exit 73 saying why, the previous
    /// outputs and state store byte for byte as they were, no staging folder left. Before,
    /// SIGXFSZ killed the run half-way.
    @Test(arguments: [1, 20])
    func aFullDiskLeavesThePreviousRunIntact(blocks: Int) throws {
        let here = temporaryFolder()
        let out = here + "/out"
        let sample = repositoryRoot() + "/sample-extracts"
        #expect(try casefind("run", sample, asOf: "2026-11-22", out: out).status == 0)
        let before = try [out + "/cases.csv", out + "/report.html", out + "/casefind-state.sqlite"].map {
            try Data(contentsOf: URL(fileURLWithPath: $0))
        }
        let command =
            "ulimit -f \(blocks); exec '\(CaseFind.binary)' run --extracts '\(sample)' --criteria '\(repositoryRoot())/criteria/essex-2005.yaml' --as-of 2026-11-23 --out '\(out)' --quiet"
        let (status, output) = try runProgram("/bin/sh", ["-c", command])
        #expect(status == 73, "\(output)")
        #expect(output.contains("File too large"), "\(output)")
        let after = try [out + "/cases.csv", out + "/report.html", out + "/casefind-state.sqlite"].map {
            try Data(contentsOf: URL(fileURLWithPath: $0))
        }
        #expect(after == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: here) == ["out"])
    }

    /// One-character relative paths: Foundation's deletingLastPathComponent traps on them, and
    /// `--criteria c` or `--timings t` crashed the run (SIGILL) before it began.
    @Test func oneCharacterPathsAreReadLikeAnyOther() throws {
        let here = temporaryFolder()
        try FileManager.default.copyItem(atPath: repositoryRoot() + "/sample-extracts", toPath: here + "/e")
        try FileManager.default.copyItem(atPath: repositoryRoot() + "/criteria/essex-2005.yaml", toPath: here + "/c")
        try FileManager.default.copyItem(
            atPath: repositoryRoot() + "/criteria/hfrs-gilbert-2018.yaml", toPath: here + "/hfrs-gilbert-2018.yaml")
        let r = try CaseFind.run(
            [
                "run", "--extracts", "e", "--criteria", "c", "--out", "o", "--state", "s", "--timings", "t", "--as-of", "2026-11-22",
                "--quiet",
            ],
            in: here)
        #expect(r.status == 0, "\(r.stderr)")
        for name in ["o/cases.csv", "s", "t"] { #expect(FileManager.default.fileExists(atPath: here + "/" + name), "\(name)") }
    }
}

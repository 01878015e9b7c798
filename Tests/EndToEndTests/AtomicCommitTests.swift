import Foundation
import Report
import Store
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// --out changes from one run's complete set of files to the next's in one step (issue 16,
/// finding 5: files were renamed in one by one, so a kill at the third rename left a new
/// cases.csv beside the old summary.json), and the state store agrees with it afterwards.
@Suite struct AtomicCommitTests {
    /// Every file under `out` but the state store and the run token, by relative path.
    static func files(_ out: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.subpathsOfDirectory(atPath: out) {
            var info = stat()
            guard lstat(out + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            // The store and its journal (a kill inside a SQLite transaction leaves it hot).
            if name.hasPrefix("casefind-state.sqlite") || name == OutputDirectory.runTokenFile { continue }
            files[name] = try Data(contentsOf: URL(fileURLWithPath: out + "/" + name))
        }
        return files
    }

    /// The names whose bytes differ between two sets of files (or that one of them lacks).
    static func differences(_ a: [String: Data], _ b: [String: Data]) -> [String] {
        Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
    }

    /// The runs the store holds once settled, as (as of, outcome), newest first.
    static func settledRuns(_ out: String) throws -> [String] {
        let store = try StateStore(path: out + "/casefind-state.sqlite")
        try store.lock()
        _ = try store.settlePendingRuns { folder, token in OutputDirectory.runToken(in: folder) == token }
        return try store.runs().map { "\($0.asOf) \($0.outcome)" }
    }

    /// strace's fault injection kills the run (SIGKILL) at the nth call of each system call the
    /// commit makes, in turn, until the run gets through. After every kill, --out holds exactly
    /// the previous run's files or exactly the new run's (byte for byte, against an
    /// uninterrupted run), and the state store, settled, records the new run if and only if
    /// its files are there.
    @Test func aKillAnywhereInTheCommitLeavesExactlyOneRun() throws {
        let strace = "/usr/bin/strace"
        try #require(FileManager.default.isExecutableFile(atPath: strace), "strace is needed (.ci/run installs it)")
        let root = temporaryFolder()
        let extracts = repositoryRoot() + "/sample-extracts"
        let criteria = repositoryRoot() + "/criteria/essex-2005.yaml"
        // The previous run: a prevalence run. The new one: an incidence run, which keeps the
        // previous run's cases.csv and caseloads/ and replaces the rest.
        let base = root + "/base"
        #expect(try casefind("run", extracts, asOf: "2026-11-22", out: base + "/out").status == 0)
        let next = ["incidence", "--extracts", extracts, "--criteria", criteria, "--as-of", "2026-11-29", "--quiet"]
        let reference = root + "/reference"
        try FileManager.default.copyItem(atPath: base, toPath: reference)
        #expect(try CaseFind.run(next + ["--out", reference + "/out"]).status == 0)
        let before = try Self.files(base + "/out")
        let after = try Self.files(reference + "/out")
        #expect(Self.differences(before, after) == ["attrition.csv", "incidence.csv", "lapsed.csv", "report.html", "summary.json"])

        var outcomes: [String: Int] = [:]
        var trial = 0
        for call in ["fdatasync", "fsync", "syncfs", "mkdir", "link", "symlink", "rename", "renameat2", "unlink", "rmdir"] {
            for n in 1...400 {
                trial += 1
                let folder = root + "/trial-\(trial)"
                try FileManager.default.copyItem(atPath: base, toPath: folder)
                let out = folder + "/out"
                let (status, output) = try runProgram(
                    strace,
                    ["-f", "-qq", "-o", "/dev/null", "-e", "trace=\(call)", "-e", "inject=\(call):signal=KILL:when=\(n)", CaseFind.binary]
                        + next + ["--out", out])
                let now = try Self.files(out)
                let runs = try Self.settledRuns(out)
                if now == after {
                    #expect(runs == ["2026-11-29 ok", "2026-11-22 ok"], "\(call) #\(n): the new files, runs \(runs)")
                    outcomes[status == 0 ? "completed" : "killed, new files", default: 0] += 1
                } else {
                    #expect(
                        now == before,
                        "\(call) #\(n): --out holds neither run's files: \(Self.differences(now, before)) differ from the old, \(Self.differences(now, after)) from the new"
                    )
                    #expect(runs == ["2026-11-22 ok"], "\(call) #\(n): the old files, runs \(runs)")
                    outcomes["killed, old files", default: 0] += 1
                }
                try FileManager.default.removeItem(atPath: folder)
                if status == 0 { break }
                #expect(status == SIGKILL, "\(call) #\(n): \(output)")
            }
        }
        // The kills fell on both sides of the swap, and every system call was run through.
        #expect(outcomes["completed"] == 10, "\(outcomes)")
        #expect((outcomes["killed, old files"] ?? 0) > 10, "\(outcomes)")
        #expect((outcomes["killed, new files"] ?? 0) > 10, "\(outcomes)")
    }

    /// A folder holding `files` (relative path to text).
    static func folder(_ files: [String: String]) throws -> String {
        let root = temporaryFolder()
        for (name, text) in files {
            let path = root + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: false, encoding: .utf8)
        }
        return root
    }

    /// What the new run did not write is kept (as the same file, a hard link, not a copy); in a
    /// folder rewritten whole, a file the run did not write is gone; and the swap is one step.
    @Test func theNewSetKeepsWhatTheRunDidNotWrite() throws {
        let out = try Self.folder([
            "cases.csv": "old cases", "summary.json": "old summary", "caseloads/Gone.csv": "stale", "caseloads/Kept.csv": "old",
            "notes/readme.txt": "an analyst's own file",
        ])
        var before = stat()
        stat(out + "/cases.csv", &before)
        let folder = try OutputDirectory(path: out)
        try folder.write("summary.json", Array("new summary".utf8))
        try folder.write("caseloads/Kept.csv", Array("new".utf8))
        folder.replaceWhole("caseloads")
        #expect(try folder.commit(runToken: "t1") == .exchanged)
        #expect(read(out + "/summary.json") == "new summary")
        #expect(read(out + "/cases.csv") == "old cases")
        #expect(read(out + "/notes/readme.txt") == "an analyst's own file")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/caseloads") == ["Kept.csv"])
        #expect(read(out + "/caseloads/Kept.csv") == "new")
        var now = stat()
        stat(out + "/cases.csv", &now)
        #expect(now.st_ino == before.st_ino)
        #expect(OutputDirectory.runToken(in: out) == "t1")
        // Nothing is left beside --out but --out.
        let parent = (out as NSString).deletingLastPathComponent
        let name = (out as NSString).lastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).filter { $0.contains(name) } == [name])
        // A commit without a token (measures, screening import) keeps the run's.
        let measures = try OutputDirectory(path: out)
        try measures.write("measures.csv", Array("m".utf8))
        try measures.commit()
        #expect(OutputDirectory.runToken(in: out) == "t1")
        #expect(read(out + "/measures.csv") == "m" && read(out + "/summary.json") == "new summary")
    }

    /// A link inside --out is kept as a link and never followed; --out given as a link stays a
    /// link, to a folder that now holds the new files.
    @Test func linksAreKeptAsLinks() throws {
        let elsewhere = try Self.folder(["target.txt": "not casefind's"])
        let out = try Self.folder(["cases.csv": "old"])
        try FileManager.default.createSymbolicLink(atPath: out + "/shared", withDestinationPath: elsewhere)
        let alias = temporaryFolder() + "/alias"
        try FileManager.default.createSymbolicLink(atPath: alias, withDestinationPath: out)
        let folder = try OutputDirectory(path: alias)
        try folder.write("cases.csv", Array("new".utf8))
        #expect(try folder.commit() == .exchanged)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: alias) == out)
        #expect(read(out + "/cases.csv") == "new")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out + "/shared") == elsewhere)
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere) == ["target.txt"])
    }

    /// Something in --out that is not a file, folder or link (a FIFO) cannot be kept: the
    /// commit is refused, saying so, and --out is as it was.
    @Test func aFIFOInsideOutStopsTheCommitBeforeAnythingChanges() throws {
        let out = try Self.folder(["cases.csv": "old"])
        #expect(mkfifo(out + "/pipe", 0o600) == 0)
        let folder = try OutputDirectory(path: out)
        try folder.write("cases.csv", Array("new".utf8))
        #expect {
            try folder.commit()
        } throws: { error in
            "\(error)".contains("/pipe is not a file, folder or link (a FIFO, socket or device)")
        }
        folder.abandon()
        #expect(read(out + "/cases.csv") == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["cases.csv", "pipe"])
    }
}

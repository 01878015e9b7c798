import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The second black-box campaign against the built binary (issue 16's "done when": about
/// 8,000 runs on inputs the project had not seen) found nine faults; each has a test here or
/// beside the code it touched (V2, V3: HFRSTests; V4: ExtractDeliveryTests and
/// HonestFailureTests; V6: StateOwnershipTests).
@Suite struct CampaignTests {
    static let extracts = repositoryRoot() + "/sample-extracts"
    static let criteria = repositoryRoot() + "/criteria/essex-2005.yaml"

    /// V1: `--round-to 9223372036854775807` crashed a run (SIGILL) rounding the first count.
    @Test func disclosureNumbersHaveARange() throws {
        let out = temporaryFolder() + "/out"
        for (flag, value) in [("--round-to", "9223372036854775807"), ("--round-to", "0"), ("--suppress-up-to", "9223372036854775807")] {
            let r = try casefind("run", Self.extracts, asOf: "2026-11-22", out: out, extra: [flag, value])
            #expect(r.status == 64, "\(flag) \(value): \(r.stderr)")
            #expect(r.stderr.contains("\(flag) must be"))
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// V5: a FIFO given as the BNF map blocked the run in open(2), holding the store's lock,
    /// for ever. (Run under timeout(1): a hang is a failure, 124, not a stuck test.)
    @Test func aFIFOAsTheBNFMapIsRefusedAtOnce() throws {
        let fifo = temporaryFolder() + "/map.csv"
        #expect(mkfifo(fifo, 0o600) == 0)
        for command in ["validate", "run"] {
            var arguments = [
                "20", CaseFind.binary, command, "--extracts", Self.extracts, "--criteria", Self.criteria, "--bnf-map", fifo,
            ]
            if command == "run" { arguments += ["--out", temporaryFolder() + "/out"] }
            let (status, output) = try runProgram("/usr/bin/timeout", arguments)
            #expect(status == 65, "\(command): \(output)")
            #expect(output.contains("the BNF map \(fifo) is not a regular file (a folder, FIFO or device)"))
        }
    }

    /// V7: a killed run's staging folder (patient lists, beside --out) was kept by every later
    /// run while the killed process's id was still alive: a zombie that nobody reaps, as in a
    /// container, or an id reused. Its lock decides now. A folder whose lock is held (a run
    /// still writing) is left alone.
    @Test func aKilledRunsStagingFolderIsRemovedWhateverItsProcessID() throws {
        let here = temporaryFolder()
        let out = here + "/out"
        #expect(try casefind("run", Self.extracts, asOf: "2026-11-22", out: out).status == 0)
        // A live process id (this test's own) on a folder nobody has locked: a killed run's.
        let me = ProcessInfo.processInfo.processIdentifier
        let stale = here + "/.out.staging-\(me)-AbCdEf"
        let held = here + "/.out.staging-\(me)-GhIjKl"
        for folder in [stale, held] {
            try FileManager.default.createDirectory(atPath: folder + "/caseloads", withIntermediateDirectories: true)
            try "nhs_number\n9434765919\n".write(toFile: folder + "/cases.csv", atomically: false, encoding: .utf8)
        }
        let lock = open(held, O_RDONLY | O_DIRECTORY)
        #expect(lock >= 0 && flock(lock, LOCK_EX) == 0)
        defer { close(lock) }
        #expect(try casefind("incidence", Self.extracts, asOf: "2026-11-23", out: out).status == 0)
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: held + "/cases.csv"))
    }

    /// V7, refused runs: a store held by another run (75) or another program's file (73) left
    /// the run's staging folder beside --out.
    @Test func aRefusedRunLeavesNoStagingFolder() throws {
        let here = temporaryFolder()
        let out = here + "/out"
        #expect(try casefind("run", Self.extracts, asOf: "2026-11-22", out: out).status == 0)
        let fd = open(out + "/casefind-state.sqlite", O_RDWR)
        #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        let locked = try casefind("incidence", Self.extracts, asOf: "2026-11-23", out: out)
        close(fd)
        #expect(locked.status == 75, "\(locked.stderr)")
        let foreign = temporaryFolder() + "/foreign.sqlite"
        try Data("not a database, but not empty either: SQLite refuses it".utf8).write(to: URL(fileURLWithPath: foreign))
        let refused = try casefind("incidence", Self.extracts, asOf: "2026-11-23", out: out, extra: ["--state", foreign])
        #expect(refused.status == 73, "\(refused.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: here) == ["out"])
    }

    /// V8: `--out ""` swapped the current folder for a new one (a new inode, mode 0700, a
    /// state store in it) and said "written to /".
    @Test func anEmptyOutIsAUsageError() throws {
        let here = temporaryFolder()
        chmod(here, 0o755)
        var before = stat()
        stat(here, &before)
        let r = try CaseFind.run(
            ["run", "--extracts", Self.extracts, "--criteria", Self.criteria, "--as-of", "2026-11-22", "--out", ""], in: here)
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("--out must name a folder, not be empty"))
        var after = stat()
        stat(here, &after)
        #expect(after.st_ino == before.st_ino && after.st_mode == before.st_mode)
        #expect(try FileManager.default.contentsOfDirectory(atPath: here).isEmpty)
        let state = try CaseFind.run(["history", "--out", "o", "--state", ""], in: here)
        #expect(state.status == 64, "\(state.stderr)")
    }

    /// V9: a usage error echoed the value given whole (100 kB of --disclosure made a
    /// 100,108-byte line in the cron log).
    @Test func aUsageErrorQuotesABoundedValue() throws {
        let long = String(repeating: "x", count: 100_000)
        let r = try casefind("run", Self.extracts, asOf: "2026-11-22", out: temporaryFolder() + "/out", extra: ["--disclosure", long])
        #expect(r.status == 64)
        #expect(r.stderr.utf8.count < 2_000, "\(r.stderr.utf8.count) bytes")
        #expect(r.stderr.contains("is invalid for '--disclosure"))
    }
}

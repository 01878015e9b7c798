import Foundation
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
}

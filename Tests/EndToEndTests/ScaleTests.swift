import Foundation
import TestSupport
import Testing

@Suite struct ScaleTests {
    /// Reading the activity files on one thread or two gives the same files, byte for byte.
    @Test(arguments: ["sample", "synth"])
    func sameResultHoweverTheWorkIsSplit(data: String) throws {
        var extracts = repositoryRoot() + "/sample-extracts"
        if data == "synth" {
            extracts = temporaryFolder("synth")
            #expect(try CaseFind.run(["synth", "--patients", "25000", "--seed", "7", "--out", extracts]).status == 0)
        }
        var outputs: [[String: String]] = []
        for threads in ["1", "2", "3"] {
            let out = temporaryFolder()
            let r = try casefind("run", extracts, asOf: "2026-11-22", out: out, extra: ["--threads", threads])
            #expect(r.status == 0, "\(r.stderr)")
            outputs.append(try snapshot(out))
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0] == outputs[2])
        #expect(outputs[0]["cases.csv"]?.isEmpty == false)
    }

    /// The generator is deterministic: the same seed gives the same files.
    @Test func synthIsDeterministic() throws {
        let a = temporaryFolder("synth")
        let b = temporaryFolder("synth")
        #expect(try CaseFind.run(["synth", "--patients", "2000", "--seed", "3", "--out", a]).status == 0)
        #expect(try CaseFind.run(["synth", "--patients", "2000", "--seed", "3", "--out", b]).status == 0)
        for name in try FileManager.default.contentsOfDirectory(atPath: a) {
            #expect(read(a + "/" + name) == read(b + "/" + name), "\(name)")
        }
        let c = temporaryFolder("synth")
        #expect(try CaseFind.run(["synth", "--patients", "2000", "--seed", "4", "--out", c]).status == 0)
        #expect(read(a + "/prescriptions.csv") != read(c + "/prescriptions.csv"))
        // The contract's files, readable by the engine with nothing rejected.
        let out = temporaryFolder()
        #expect(try casefind("run", a, asOf: "2026-11-22", out: out).status == 0)
        let summary = read(out + "/summary.json")
        #expect(summary.contains("\"rejects\" : 0"))
    }
}

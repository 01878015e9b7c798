import Foundation
import TestSupport
import Testing

/// Prescriptions coded by dm+d id, read through NHSBSA's BNF SNOMED mapping (`--bnf-map`).
@Suite struct DMDRunTests {
    /// sample-extracts/ with every valid BNF code of prescriptions.csv replaced by one of two
    /// dm+d ids for it (a VMP and an AMP, taken in turn), and the map that gives them back; the
    /// malformed rows stay as they were, one field longer so that they stay malformed; and one
    /// row more with an id the map does not know.
    static func dmdCopy() throws -> (extracts: String, map: String) {
        var codes: [String: Int] = [:]
        let extracts = try sampleCopy(rewriting: [
            "prescriptions.csv": { text in
                var rows = parseCSV(text)
                let header = rows.removeFirst()
                let bnf = header.firstIndex(of: "bnf_code")!
                var out = [header + ["dmd_code"]]
                for (k, r) in rows.enumerated() {
                    var row = r
                    let code = r.count > bnf ? r[bnf] : ""
                    if r.count == header.count, code.count >= 9, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
                        let n = codes[code] ?? codes.count
                        codes[code] = n
                        row[bnf] = ""
                        row.append(String(10_000_000_000 + n * 10 + k % 2))
                    } else {
                        row.append("")
                    }
                    out.append(row)
                }
                out.append([nhs(1), "2026-10-01", "", "not in the map", "28", "55555555"])
                return out.map { $0.map(Self.quoted).joined(separator: ",") }.joined(separator: "\n") + "\n"
            }
        ])
        var map = "Presentation / Pack Level,VMP / VMPP/ AMP / AMPP,BNF Code,BNF Name,SNOMED Code\n"
        for (code, n) in codes.sorted(by: { $0.value < $1.value }) {
            map += "Presentation,VMP,\(code),\"A name, with a comma\",\(10_000_000_000 + n * 10)\n"
            map += "Presentation,AMP,\(code),A brand,\(10_000_000_000 + n * 10 + 1)\n"
        }
        map += "Presentation,AMP,,Outside the BNF,77777777\n"
        let folder = temporaryFolder("bnf-map")
        try map.write(toFile: folder + "/bnf_snomed_mapping.csv", atomically: true, encoding: .utf8)
        return (extracts, folder + "/bnf_snomed_mapping.csv")
    }

    static func quoted(_ f: String) -> String {
        f.contains(",") || f.contains("\"") || f.contains("\n") ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
    }

    static func summary(_ out: String) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as? [String: Any])
    }

    @Test func dmdIdsThroughTheMapGiveTheSameList() throws {
        let (extracts, map) = try Self.dmdCopy()
        let plain = temporaryFolder()
        let dmd = temporaryFolder()
        #expect(try casefind("run", repositoryRoot() + "/sample-extracts", asOf: "2026-11-22", out: plain).status == 0)
        let r = try casefind("run", extracts, asOf: "2026-11-22", out: dmd, extra: ["--bnf-map", map])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(read(dmd + "/cases.csv") == read(plain + "/cases.csv"))
        // The same rows rejected, for the same fields, at the same lines.
        let cut = { (text: String) in csvRecords(text).map { [$0["file"]!, $0["line"]!, $0["field"]!] } }
        #expect(cut(read(dmd + "/rejects.csv")) == cut(read(plain + "/rejects.csv")))
        // The unknown id is warned about even with --quiet, and listed with its rows.
        #expect(r.stderr.contains("1 prescription row(s) carry 1 dm+d id(s) that bnf_snomed_mapping.csv gives no BNF code"))
        let used = try #require(try Self.summary(dmd)["bnf_map"] as? [String: Any])
        #expect(used["file"] as? String == "bnf_snomed_mapping.csv")
        #expect(used["sha256"] as? String == (try sha256sum(map)))
        #expect(used["rows_without_bnf_code"] as? Int == 1)
        #expect(used["unmapped_rows"] as? Int == 1)
        let unmapped = try #require(used["unmapped"] as? [[String: Any]])
        #expect(unmapped.count == 1)
        #expect(unmapped.first?["dmd_code"] as? String == "55555555")
        #expect(unmapped.first?["rows"] as? Int == 1)
        let rx = try #require(
            (try Self.summary(plain)["inputs"] as? [[String: Any]])?.first { $0["file"] as? String == "prescriptions.csv" })
        let rxDMD = try #require(
            (try Self.summary(dmd)["inputs"] as? [[String: Any]])?.first { $0["file"] as? String == "prescriptions.csv" })
        // Every accepted row but the extra one came by dm+d id.
        #expect(used["dmd_rows"] as? Int == (rx["accepted"] as! Int) + 1)
        #expect(rxDMD["accepted"] as? Int == (rx["accepted"] as! Int) + 1)
        // Without a map, a row with only a dm+d id is rejected, saying why.
        let unread = temporaryFolder()
        #expect(try casefind("run", extracts, asOf: "2026-11-22", out: unread).status == 0)
        let rejected = csvRecords(read(unread + "/rejects.csv")).filter { $0["field"] == "bnf_code" }
        let plainRejected = csvRecords(read(plain + "/rejects.csv")).filter { $0["field"] == "bnf_code" }
        #expect(rejected.count == (used["dmd_rows"] as! Int) + plainRejected.count)
        #expect(
            rejected.filter { $0["reason"] == "missing required field (the row has a dmd_code, but no --bnf-map was given to read it)" }
                .count == used["dmd_rows"] as! Int)
    }

    /// dm+d ids and no bnf_code column: without a map the run stops before writing anything.
    @Test func dmdIdsAloneNeedAMap() throws {
        let folder = extractsFolder([
            "patients.csv": "nhs_number,date_of_birth,gp_practice\n\(nhs(1)),1940-01-01,F1\n",
            "practices.csv": "practice_code,pct,locality\nF1,P,L\n",
            "prescriptions.csv": "nhs_number,issue_date,dmd_code\n\(nhs(1)),2026-10-01,320000009\n",
        ])
        let out = temporaryFolder() + "/out"
        let refused = try casefind("run", folder, asOf: "2026-11-22", out: out)
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("gives dm+d ids (dmd_code) and no bnf_code: name NHSBSA's BNF SNOMED mapping with --bnf-map FILE"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// The mapping file may name the map (beside itself) and its columns; `--bnf-map` wins.
    @Test func theMappingNamesTheMap() throws {
        let (extracts, map) = try Self.dmdCopy()
        let config = temporaryFolder("config")
        try read(map).replacingOccurrences(of: "SNOMED Code", with: "SCT_ID").write(
            toFile: config + "/bnf.csv", atomically: true, encoding: .utf8)
        try "mapping: gp\nversion: 1\nfiles:\n  prescriptions:\n    bnf_map: { file: bnf.csv, snomed_column: SCT_ID }\n".write(
            toFile: config + "/m.yaml", atomically: true, encoding: .utf8)
        let a = temporaryFolder()
        let b = temporaryFolder()
        let r = try casefind("run", extracts, asOf: "2026-11-22", out: a, extra: ["--mapping", config + "/m.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.summary(a)["bnf_map"].flatMap { ($0 as? [String: Any])?["file"] as? String } == "bnf.csv")
        // --bnf-map replaces the file, keeping the mapping's column names: this one has none of them.
        let wrong = try casefind("run", extracts, asOf: "2026-11-22", out: b, extra: ["--mapping", config + "/m.yaml", "--bnf-map", map])
        #expect(wrong.status == 65)
        #expect(wrong.stderr.contains("the BNF map has no column 'SCT_ID'"))
    }
}

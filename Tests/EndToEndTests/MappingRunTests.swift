import Foundation
import TestSupport
import Testing

@Suite struct MappingRunTests {
    /// sample-extracts/ with admissions.csv rewritten in HES APC names (NEWNHSNO, PROCODE3 +
    /// PROVSPNO, ADMIDATE, DIAG_4_01 ...) and DD/MM/YYYY dates, read through a mapping: the same
    /// case list as the contract's layout.
    @Test func hesHeadersAndDayMonthYearDatesGiveTheSameList() throws {
        let extracts = try sampleCopy(rewriting: [
            "admissions.csv": { text in
                var rows = parseCSV(text)
                let header = rows.removeFirst()
                let renamed: [String: String] = [
                    "nhs_number": "NEWNHSNO", "episode_number": "EPIORDER", "admission_date": "ADMIDATE", "discharge_date": "DISDATE",
                    "admission_method": "ADMIMETH", "patient_classification": "CLASSPAT", "admission_source": "ADMISORC",
                    "discharge_destination": "DISDEST", "discharge_method": "DISMETH",
                ]
                var out = [
                    header.flatMap { h -> [String] in
                        if h == "spell_id" { return ["PROCODE3", "PROVSPNO"] }
                        if h.hasPrefix("diag_") { return ["DIAG_4_" + h.dropFirst(5)] }
                        return [renamed[h] ?? h]
                    }
                ]
                for r in rows {
                    var fields: [String] = []
                    for (h, v) in zip(header, r) {
                        if h == "spell_id" {
                            let parts = v.split(separator: ":", maxSplits: 1).map(String.init)
                            fields += parts.count == 2 ? parts : ["", v]  // a blank provider stays a missing key
                        } else if h == "admission_date" || h == "discharge_date", v.count == 10, v.dropFirst(4).first == "-" {
                            let p = v.split(separator: "-")
                            fields.append("\(p[2])/\(p[1])/\(p[0])")
                        } else {
                            fields.append(v)
                        }
                    }
                    if r.count != header.count { fields = r }  // keep malformed rows malformed
                    out.append(fields)
                }
                return out.map {
                    $0.map { f in
                        f.contains(",") || f.contains("\"") || f.contains("\n")
                            ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
                    }.joined(separator: ",")
                }.joined(separator: "\n") + "\n"
            }
        ])
        let mapping = temporaryFolder("mapping") + "/hes.yaml"
        try read(repositoryRoot() + "/mappings/hes-apc.yaml").replacingOccurrences(
            of: "date_format: YYYY-MM-DD", with: "date_format: DD/MM/YYYY"
        )
        .write(toFile: mapping, atomically: true, encoding: .utf8)
        let plain = temporaryFolder()
        let hes = temporaryFolder()
        #expect(try casefind("run", repositoryRoot() + "/sample-extracts", asOf: "2026-11-22", out: plain).status == 0)
        let r = try casefind("run", extracts, asOf: "2026-11-22", out: hes, extra: ["--mapping", mapping])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(read(hes + "/cases.csv") == read(plain + "/cases.csv"))
    }

    /// A pseudonymised extract: opaque person keys on the spine and in activity, no Modulus 11.
    @Test func opaquePersonKeys() throws {
        let folder = extractsFolder([
            "patients.csv":
                "person,date_of_birth,gp_practice\nTOKEN-0001,1940-01-01,F1\nTOKEN-0002,1990-01-01,F1\nTOKEN-0003,1941-05-05,F1\n",
            "practices.csv": "practice_code,pct,locality\nF1,P,L\n",
            "nominations.csv": "person,nominated_on\nTOKEN-0001,2026-01-01\nTOKEN-0002,2026-01-01\nTOKEN-9999,2026-01-01\n",
            "map.yaml": """
            mapping: pseudonymised
            version: 1
            person_id: opaque
            files:
              patients: { columns: { nhs_number: person } }
              nominations: { columns: { nhs_number: person } }
            """,
        ])
        let out = temporaryFolder()
        let r = try casefind("run", folder, asOf: "2026-11-22", out: out, extra: ["--mapping", folder + "/map.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(csvRecords(read(out + "/cases.csv")).map { $0["nhs_number"]! } == ["TOKEN-0001"])
        #expect(csvRecords(read(out + "/exceptions.csv")).map { $0["nhs_number"]! } == ["TOKEN-0002"])
        #expect(read(out + "/summary.json").contains("\"unregistered\" : 1"))
    }
}

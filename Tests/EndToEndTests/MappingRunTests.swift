import Foundation
import TestSupport
import Testing

@Suite struct MappingRunTests {
    /// sample-extracts/ with admissions.csv rewritten in HES APC names (NEWNHSNO, PROCODE3 +
    /// PROVSPNO, ADMIDATE, DIAG_4_01 ...) and DD/MM/YYYY dates, read through a mapping: the same
    /// case list as the contract's layout.
    @Test func hesHeadersAndDayMonthYearDatesGiveTheSameList() throws {
        let extracts = try sampleCopy(rewriting: ["admissions.csv": { Self.hesAdmissions($0, delimiter: ",", dayMonthYear: true) }])
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

    /// sample-extracts/' admissions.csv as HES APC names it (NEWNHSNO, PROCODE3 + PROVSPNO,
    /// ADMIDATE, DIAG_4_01 ...), fields between `delimiter`s (quoted where they hold one, a
    /// quote or a line break), dates DD/MM/YYYY when `dayMonthYear`.
    static func hesAdmissions(_ text: String, delimiter: String, dayMonthYear: Bool) -> String {
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
                } else if dayMonthYear, h == "admission_date" || h == "discharge_date", v.count == 10, v.dropFirst(4).first == "-" {
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
                f.contains(delimiter) || f.contains("\"") || f.contains("\n")
                    ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
            }.joined(separator: delimiter)
        }.joined(separator: "\n") + "\n"
    }

    /// HES APC as delivered (mappings/hes-apc-delivery.yaml): headerless pipe-delimited parts,
    /// one of them gzip, matched by the preset's glob, with the header line in its own file.
    /// The same case list as the contract's layout.
    @Test func theHESDeliveryPresetReadsHeaderlessPipeParts() throws {
        let extracts = try sampleCopy()
        let text = Self.hesAdmissions(read(extracts + "/admissions.csv"), delimiter: "|", dayMonthYear: false)
        try FileManager.default.removeItem(atPath: extracts + "/admissions.csv")
        try FileManager.default.createDirectory(atPath: extracts + "/hes", withIntermediateDirectories: false)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = lines.removeFirst()
        try (header + "\n").write(toFile: extracts + "/hes/hes_apc_headers.txt", atomically: true, encoding: .utf8)
        // Cut where no quoted field is open (an even number of quotes before the cut).
        var cut = lines.count / 2
        while lines[..<cut].joined().filter({ $0 == "\"" }).count % 2 == 1 { cut += 1 }
        try (lines[..<cut].joined(separator: "\n") + "\n").write(
            toFile: extracts + "/hes/hes_apc_2526_01.txt", atomically: true, encoding: .utf8)
        try lines[cut...].joined(separator: "\n").write(toFile: extracts + "/hes/hes_apc_2526_02.txt", atomically: true, encoding: .utf8)
        let (status, output) = try runProgram("/usr/bin/gzip", ["-n", extracts + "/hes/hes_apc_2526_02.txt"])
        try #require(status == 0, "\(output)")
        let plain = temporaryFolder()
        let hes = temporaryFolder()
        #expect(try casefind("run", repositoryRoot() + "/sample-extracts", asOf: "2026-11-22", out: plain).status == 0)
        let r = try casefind(
            "run", extracts, asOf: "2026-11-22", out: hes, extra: ["--mapping", repositoryRoot() + "/mappings/hes-apc-delivery.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(read(hes + "/cases.csv") == read(plain + "/cases.csv"))
        #expect(read(hes + "/summary.json").contains("\"file\" : \"hes/hes_apc_2526_02.txt.gz\""))
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
        #expect(try column("nhs_number", of: csvRecords(read(out + "/cases.csv"))) == ["TOKEN-0001"])
        #expect(try column("nhs_number", of: csvRecords(read(out + "/exceptions.csv"))) == ["TOKEN-0002"])
        #expect(read(out + "/summary.json").contains("\"unregistered\" : 1"))
    }

    /// Pseudonymised keys all the way: opt-outs, the practice's list (the key, no date of birth,
    /// no import or Accurx file), screening outcomes imported through the mapping, and the
    /// measures' coverage of the enrolled patient.
    @Test func opaqueKeysInOptOutsListsScreeningAndMeasures() throws {
        let folder = extractsFolder([
            "patients.csv":
                "person,date_of_birth,gp_practice\nTOKEN-0001,1940-01-01,F1\nTOKEN-0002,1990-01-01,F1\nTOKEN-0003,1941-05-05,F1\n",
            "practices.csv": "practice_code,pct,locality\nF1,P,L\n",
            "case_managers.csv": "case_manager_id,name,locality,caseload_max\nCM1,Ann Lee,L,50\n",
            "nominations.csv": "person,nominated_on\nTOKEN-0001,2026-01-01\nTOKEN-0003,2026-01-01\n",
            "opt_outs.csv": "person,type\nTOKEN-0003,type1\n",
            "map.yaml": """
            mapping: pseudonymised
            version: 1
            person_id: opaque
            files:
              patients: { columns: { nhs_number: person } }
              nominations: { columns: { nhs_number: person } }
              opt_outs: { columns: { nhs_number: person } }
              screening: { columns: { nhs_number: person } }
            """,
        ])
        let out = temporaryFolder()
        let map = ["--mapping", folder + "/map.yaml"]
        let r = try casefind("run", folder, asOf: "2026-11-22", out: out, extra: map)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try column("nhs_number", of: csvRecords(read(out + "/cases.csv"))) == ["TOKEN-0001"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/practices").sorted() == ["F1.csv", "F1.xlsx"])
        let list = parseCSV(read(out + "/practices/F1.csv"))
        try #require(list.count == 2)
        #expect(list[0].prefix(3) == ["person_id", "age", "priority"])
        #expect(list[1].first == "TOKEN-0001")
        #expect(!read(out + "/cases.csv").contains("TOKEN-0003") && !read(out + "/exceptions.csv").contains("TOKEN-0003"))

        let outcomes = temporaryFolder("screening") + "/outcomes.csv"
        try "person,outcome,date,case_manager_id\nTOKEN-0001,enrolled,2026-11-23,CM1\n".write(
            toFile: outcomes, atomically: true, encoding: .utf8)
        let imported = try CaseFind.run(["screening", "import", outcomes, "--out", out] + map)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("imported 1 screening outcome(s) (enrolled 1); 0 rejected"))
        let without = try CaseFind.run(["screening", "import", outcomes, "--out", out])
        #expect(without.status == 65, "without the mapping the file has no nhs_number column")

        let m = try CaseFind.run(
            [
                "measures", "--extracts", folder, "--criteria", "criteria/essex-2005.yaml", "--as-of", "2026-11-30", "--out", out,
                "--baseline", "2025-11:2026-04", "--disclosure", "none",
            ] + map)
        #expect(m.status == 0, "\(m.stderr)")
        let coverage = try #require(csvRecords(read(out + "/case_management.csv")).first { $0["locality"] == "L" })
        #expect(coverage["actively_case_managed"] == "1")
        #expect(coverage["case_found_and_managed"] == "1")
    }
}

import Foundation
import TestSupport
import Testing

/// SUS APC as NHS England's warehouses hold it, through the shipped mappings/sus-apcs.yaml: the
/// spell table, every diagnosis in Der_Diagnosis_All, pseudonymised keys, the `-1` spell id
/// and the placeholder practices declared as missing values.
@Suite struct SUSRunTests {
    static let patients = """
        Der_Pseudo_NHS_Number,date_of_birth,sex,GP_Practice_Code,date_of_death
        TOK-A,1940-01-01,F,F81001,
        TOK-B,1941-01-01,M,F81001,
        TOK-C,1942-01-01,F,V81997,
        TOK-D,1943-01-01,F,F81001,
        TOK-E,1944-01-01,M,v81999,

        """
    /// V81997 is listed as a practice too: it still gets no list.
    static let practices = """
        practice_code,practice_name,pct,locality
        F81001,The Surgery,Mid Essex,Chelmsford
        V81997,No registered practice,Mid Essex,Chelmsford

        """
    /// A frailty code in a later episode of the spell (after `||`); two spells; a frailty code
    /// with spaces around the comma; a spell whose id is SUS's -1 (rejected), beside one good spell.
    static let apcs = """
        Der_Pseudo_NHS_Number,APCS_Ident,Admission_Date,Discharge_Date,Admission_Method,Patient_Classification,Source_of_Admission,Discharge_Destination,Discharge_Method,Der_Diagnosis_All
        TOK-A,1001,2026-06-01,2026-06-05,21,1,19,19,1,"I10X,E119||W19X"
        TOK-B,1002,2026-03-01,2026-03-02,21,1,19,19,1,I10X
        TOK-B,1003,2026-07-01,2026-07-03,21,1,19,19,1,J189
        TOK-C,1004,2026-05-01,2026-05-04,21,1,19,19,1,"E86X , I10X"
        TOK-D,-1,2026-02-01,2026-02-02,21,1,19,19,1,I10X
        TOK-D,1005,2026-08-01,2026-08-02,21,1,19,19,1,I10X

        """

    @Test func theSpellTableEndToEnd() throws {
        let folder = extractsFolder(["patients.csv": Self.patients, "practices.csv": Self.practices, "apcs.csv": Self.apcs])
        let out = temporaryFolder()
        let r = try casefind(
            "run", folder, asOf: "2026-11-22", out: out,
            extra: ["--mapping", repositoryRoot() + "/mappings/sus-apcs.yaml", "--disclosure", "none"])
        #expect(r.status == 0, "\(r.stderr)")
        let cases = csvRecords(read(out + "/cases.csv"))
        #expect(
            cases.map { [$0["nhs_number"]!, $0["gp_practice"]!, $0["criteria"]!, $0["frailty_codes"]!, $0["admissions"]!] } == [
                ["TOK-A", "F81001", "frailty", "W19", "1"],
                ["TOK-C", "V81997", "frailty", "E86", "1"],
                ["TOK-B", "F81001", "admissions", "", "2"],
            ])
        // The patient at V81997 is counted and case-found, reported, and on no list.
        let exceptions = csvRecords(read(out + "/exceptions.csv"))
        #expect(exceptions.map { [$0["nhs_number"]!, $0["reason"]!] } == [["TOK-C", "no_registered_practice"]])
        let lists = try FileManager.default.contentsOfDirectory(atPath: out + "/practices").sorted()
        #expect(lists == ["F81001.csv", "F81001.xlsx"])
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as? [String: Any])
        #expect(summary["registered"] as? Int == 5)
        #expect(summary["no_registered_practice"] as? Int == 2)
        // The -1 spell id is missing, so its row is rejected, naming the value.
        let rejects = csvRecords(read(out + "/rejects.csv"))
        #expect(
            rejects.map { [$0["file"]!, $0["line"]!, $0["field"]!, $0["value"]!, $0["reason"]!] } == [
                ["apcs.csv", "6", "spell_id", "-1", "missing required field (the mapping declares this value missing)"]
            ])
    }

    /// The same patients and spells in the contract's own layout give the same list.
    @Test func theContractLayoutGivesTheSameList() throws {
        let sus = extractsFolder(["patients.csv": Self.patients, "practices.csv": Self.practices, "apcs.csv": Self.apcs])
        let contract = extractsFolder([
            "patients.csv": Self.patients.replacingOccurrences(of: "Der_Pseudo_NHS_Number", with: "nhs_number")
                .replacingOccurrences(of: "GP_Practice_Code", with: "gp_practice"),
            "practices.csv": Self.practices,
            "admissions.csv": """
            nhs_number,spell_id,admission_date,discharge_date,admission_method,patient_classification,admission_source,discharge_destination,discharge_method,diag_01,diag_02,diag_03
            TOK-A,1001,2026-06-01,2026-06-05,21,1,19,19,1,I10X,E119,W19X
            TOK-B,1002,2026-03-01,2026-03-02,21,1,19,19,1,I10X,,
            TOK-B,1003,2026-07-01,2026-07-03,21,1,19,19,1,J189,,
            TOK-C,1004,2026-05-01,2026-05-04,21,1,19,19,1,E86X,I10X,
            TOK-D,,2026-02-01,2026-02-02,21,1,19,19,1,I10X,,
            TOK-D,1005,2026-08-01,2026-08-02,21,1,19,19,1,I10X,,

            """,
            "opaque.yaml": "mapping: opaque\nversion: 1\nperson_id: opaque\nfiles: {}\n",
        ])
        let a = temporaryFolder()
        let b = temporaryFolder()
        let r1 = try casefind("run", sus, asOf: "2026-11-22", out: a, extra: ["--mapping", repositoryRoot() + "/mappings/sus-apcs.yaml"])
        let r2 = try casefind("run", contract, asOf: "2026-11-22", out: b, extra: ["--mapping", contract + "/opaque.yaml"])
        #expect(r1.status == 0 && r2.status == 0, "\(r1.stderr)\(r2.stderr)")
        #expect(read(a + "/cases.csv") == read(b + "/cases.csv"))
        #expect(read(a + "/exceptions.csv") == read(b + "/exceptions.csv"))
    }
}

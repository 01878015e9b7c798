import Foundation
import TestSupport
import Testing

/// `casefind sql`'s options as a user gives them: the parts, a mapping and table names, the
/// cleared list's table; what it cannot render is refused with a reason, not rendered wrong.
@Suite struct SQLCommandTests {
    static let base = ["sql", "--criteria", "criteria/essex-2005.yaml", "--dialect", "duckdb", "--as-of", "2026-11-22"]

    @Test func aMappingAndTableNamesAreRendered() throws {
        let r = try CaseFind.run(Self.base + ["--mapping", "mappings/hes-apc.yaml", "--table", "patients=gp.spine", "--part", "attrition"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stdout.contains(
                "-- Through the column mapping hes-apc: its column names, date formats and missing values; tables patients = gp.spine."))
        #expect(r.stdout.contains("FROM gp.spine) f"))
        #expect(r.stdout.contains("CAST(NEWNHSNO AS VARCHAR)") && r.stdout.contains("diag_4_20"))
        #expect(r.stdout.hasSuffix(") a\nORDER BY place;\n"))
    }

    @Test(arguments: [
        (["--table", "wards=x"], "must be EXTRACT=TABLE"), (["--table", "admissions=a;b"], "must be a plain table name"),
        (["--table", "admissions"], "must be EXTRACT=TABLE"), (["--ndoo-cleared", "x y"], "must be a plain table name"),
    ])
    func badTableNamesAreUsageErrors(arguments: [String], message: String) throws {
        let r = try CaseFind.run(Self.base + arguments)
        #expect(r.status == 64 && r.stdout.isEmpty)
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }

    /// Prescriptions by dm+d id through a BNF map are not rendered yet: exit 65 saying so,
    /// nothing on stdout.
    @Test func whatCannotBeRenderedIsRefused() throws {
        let folder = temporaryFolder("sql-dmd")
        let path = folder + "/dmd.yaml"
        try Data("mapping: d\nversion: 1\nfiles:\n  prescriptions:\n    bnf_map:\n      file: map.csv\n".utf8)
            .write(to: URL(fileURLWithPath: path))
        let r = try CaseFind.run(Self.base + ["--mapping", path])
        #expect(r.status == 65 && r.stdout.isEmpty)
        #expect(r.stderr.contains("dm+d id through a BNF map"), "\(r.stderr)")
    }

    /// SUS's mapping, its diagnoses in one list column, is rendered.
    @Test func theSUSMappingIsRendered() throws {
        let r = try CaseFind.run(Self.base + ["--mapping", "mappings/sus-apcs.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("CAST(Der_Diagnosis_All AS VARCHAR)") && r.stdout.contains("FROM admissions) f"))
    }
}

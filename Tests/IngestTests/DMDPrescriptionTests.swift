import CaseCore
import Digest
import Foundation
import TestSupport
import Testing

@testable import Ingest

/// Prescriptions coded by dm+d (SNOMED CT) id, read through NHSBSA's BNF SNOMED mapping.
@Suite struct DMDPrescriptionTests {
    /// NHSBSA's columns, a VMP and two AMPs of one presentation, a VMPP of another, and a
    /// product outside the BNF (blank BNF Code).
    static let map = """
        Presentation / Pack Level,VMP / VMPP/ AMP / AMPP,BNF Code,BNF Name,SNOMED Code
        Presentation,VMP,0212000B0AAABAB,"Atorvastatin 20mg tablets, generic",320000009
        Presentation,AMP,0212000B0BBABAB,Lipitor 20mg tablets,4085111000001104
        Presentation,AMP,0212000B0AAABAB,"Atorvastatin 20mg tablets, generic",18263811000001102
        Pack,VMPP,0205051R0AAAAAA,Ramipril 2.5mg capsules 28,1033111000001102
        Presentation,AMP,,Not in the BNF,22222211000001102

        """

    static func mapFile(_ text: String = map, name: String = "bnf_snomed_map.csv") throws -> String {
        let dir = temporaryFolder("bnf-map")
        try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        return dir + "/" + name
    }

    /// Reads prescriptions.csv text through `map`; the accepted rows, diagnostics and stats.
    static func read(_ text: String, map: BNFMap?) throws -> ([PrescriptionRow], [Diagnostic], FileStats) {
        let sink = DiagnosticCollector()
        let reader = ExtractReader(directory: extractsFolder(["prescriptions.csv": text]), sink: sink)
        reader.bnfMap = map
        var rows: [PrescriptionRow] = []
        try reader.readPrescriptions {
            rows.append(contentsOf: $0)
            return 0
        }
        return (rows, sink.diagnostics, try #require(reader.stats[.prescriptions]))
    }

    @Test func theMapGivesEachIdItsBNFCode() throws {
        let map = try BNFMap.load(path: Self.mapFile())
        #expect(map.ids == 4)
        #expect(map.rowsWithoutBNFCode == 1)
        #expect(map.fileName == "bnf_snomed_map.csv")
        #expect(map.bytes == Self.map.utf8.count)
        #expect(map.sha256 == SHA256Digest.hex(Array(Self.map.utf8)))
        // A VMP and its AMPs share the substance (the first nine characters).
        #expect(map.substance(320_000_009)?.description == "0212000B0")
        #expect(map.substance(4_085_111_000_001_104)?.description == "0212000B0")
        #expect(map.substance(18_263_811_000_001_102)?.description == "0212000B0")
        #expect(map.substance(1_033_111_000_001_102)?.description == "0205051R0")
        #expect(map.substance(22_222_211_000_001_102) == nil)
        #expect(map.substance(999_999) == nil)
    }

    @Test func aGzipMapAndOtherColumnNames() throws {
        let text = "code;id\n0212000B0AAABAB;320000009\n".replacingOccurrences(of: ";", with: ",")
        let dir = temporaryFolder("bnf-map")
        try ExtractDeliveryTests.gzipped(text).write(to: URL(fileURLWithPath: dir + "/map.csv.gz"))
        var columns = BNFMap.Columns()
        columns.snomed = "ID"
        columns.bnf = "Code"
        let map = try BNFMap.load(path: dir + "/map.csv.gz", columns: columns)
        #expect(map.substance(320_000_009)?.description == "0212000B0")
    }

    @Test(arguments: [
        ("BNF Code,SNOMED Code\n0212000B0AAABAB,3.20E+08\n", 2, "a spreadsheet wrote it as a number"),
        ("BNF Code,SNOMED Code\n0212000B0AAABAB,12345\n", 2, "6 to 18 digits, not '12345'"),
        (
            "BNF Code,SNOMED Code\n0212000B0AAABAB,320000009\n0205051R0AAAAAA,320000009\n", 3,
            "mapped to 0212000B0AAABAB and, here, to 0205051R0AAAAAA"
        ),
        ("BNF Code,SNOMED Code\n0212-000B0,320000009\n", 2, "must be a BNF code"),
        ("BNF,SNOMED Code\n0212000B0AAABAB,320000009\n", 1, "no column 'BNF Code' (header: bnf,snomed code)"),
        ("BNF Code,SNOMED Code\n0212000B0AAABAB\n", 2, "too few"),
    ])
    func aBadMapStopsTheRunNamingTheLine(text: String, line: Int, message: String) throws {
        do {
            _ = try BNFMap.load(path: Self.mapFile(text))
            Issue.record("accepted")
        } catch {
            let error = try #require(error as? ConfigurationError)
            #expect(error.location == SourceLocation(file: "bnf_snomed_map.csv", line: line))
            #expect(error.description.contains(message), "\(error)")
        }
    }

    @Test func aTwiceListedIdWithTheSameCodeIsOneId() throws {
        let map = try BNFMap.load(path: Self.mapFile("BNF Code,SNOMED Code\n0212000B0AAABAB,320000009\n0212000b0aaabab,320000009\n\n"))
        #expect(map.ids == 1)
    }

    @Test func dmdIdsAreReadThroughTheMap() throws {
        let map = try BNFMap.load(path: Self.mapFile())
        let text = """
            nhs_number,issue_date,dmd_code,drug_name
            \(nhs(1)),2026-01-01,320000009,generic
            \(nhs(1)),2026-01-02,4085111000001104,brand
            \(nhs(1)),2026-01-03,1033111000001102,ramipril
            \(nhs(2)),2026-01-04,555555555,unknown to the map
            \(nhs(2)),2026-01-05,555555555,again
            \(nhs(3)),2026-01-06,22222211000001102,outside the BNF
            \(nhs(3)),2026-01-07,12AB5678,letters
            \(nhs(3)),2026-01-08,,blank
            \(nhs(3)),2026-13-08,555555555,bad date so rejected and not counted

            """
        let (rows, diagnostics, stats) = try Self.read(text, map: map)
        try #require(rows.count == 6)
        #expect(rows.prefix(3).map(\.substance.description) == ["0212000B0", "0212000B0", "0205051R0"])
        #expect(rows.suffix(3).allSatisfy { $0.substance == .none })
        #expect(
            diagnostics.map { "\($0.location.line) \($0.field) \($0.value)" } == [
                "8 dmd_code 12AB5678", "9 dmd_code ", "10 issue_date 2026-13-08",
            ])
        #expect(diagnostics[0].reason == "not a dm+d id (a SNOMED CT id: 6 to 18 digits)")
        #expect(diagnostics[1].reason == "missing required field")
        #expect((stats.read, stats.accepted, stats.rejected) == (9, 6, 3))
        #expect(stats.dmdRows == 6)
        #expect(stats.unmappedDMD == [555_555_555: 2, 22_222_211_000_001_102: 1])
    }

    @Test func aBNFCodeGivenWinsOverTheDMDId() throws {
        let map = try BNFMap.load(path: Self.mapFile())
        let text = """
            nhs_number,issue_date,bnf_code,dmd_code
            \(nhs(1)),2026-01-01,0407010H0AAAMAM,320000009
            \(nhs(1)),2026-01-02,,320000009
            \(nhs(1)),2026-01-03,0407-010,320000009

            """
        let (rows, diagnostics, stats) = try Self.read(text, map: map)
        #expect(rows.map(\.substance.description) == ["0407010H0", "0212000B0"])
        #expect(diagnostics.map { "\($0.location.line) \($0.field)" } == ["4 bnf_code"])
        #expect(stats.dmdRows == 1)
    }

    @Test func dmdIdsWithoutAMapStopTheRunUnlessBNFCodesAreThere() throws {
        do {
            _ = try Self.read("nhs_number,issue_date,dmd_code\n\(nhs(1)),2026-01-01,320000009\n", map: nil)
            Issue.record("read dm+d ids without a map")
        } catch {
            let error = try #require(error as? ConfigurationError)
            #expect(error.description.contains("--bnf-map"))
            #expect(error.location?.line == 1)
        }
        // With bnf_code beside it, the file is read by bnf_code as before.
        let (rows, diagnostics, _) = try Self.read(
            "nhs_number,issue_date,bnf_code,dmd_code\n\(nhs(1)),2026-01-01,0212000B0AAABAB,320000009\n\(nhs(1)),2026-01-01,,320000009\n",
            map: nil)
        #expect(rows.count == 1)
        #expect(diagnostics.map(\.field) == ["bnf_code"])
        // Neither column: the header is refused, naming both.
        do {
            _ = try Self.read("nhs_number,issue_date,code\n\(nhs(1)),2026-01-01,320000009\n", map: nil)
            Issue.record("read a file with no drug column")
        } catch {
            let error = try #require(error as? ConfigurationError)
            #expect(error.description.contains("no column 'bnf_code' for the required field bnf_code (nor dmd_code for dmd_code)"))
        }
    }

    @Test func aMappingNamesTheMapBesideItself() throws {
        let folder = extractsFolder([
            "m.yaml": """
            mapping: gp
            version: 1
            files:
              prescriptions:
                columns: { dmd_code: SNOMED_ID }
                bnf_map: { file: maps/bnf.csv, snomed_column: SCT, bnf_column: BNF }
            """
        ])
        let mapping = try ColumnMapping.load(path: folder + "/m.yaml")
        #expect(mapping.bnfMapPath == folder + "/maps/bnf.csv")
        #expect(mapping.bnfMapColumns.snomed == "SCT")
        #expect(mapping.bnfMapColumns.bnf == "BNF")
        #expect(mapping.file(.prescriptions).sources(for: "dmd_code") == ["SNOMED_ID"])
    }
}

/// Values a mapping declares as "not recorded" (`missing_values:`): SUS's `-1` spell id, and
/// the placeholder practices that mean "no registered practice".
@Suite struct MissingValueTests {
    static func mapping(_ yaml: String) throws -> (ColumnMapping, String) {
        let folder = extractsFolder(["m.yaml": "mapping: m\nversion: 1\nfiles:\n" + yaml])
        return (try ColumnMapping.load(path: folder + "/m.yaml"), folder)
    }

    @Test func aDeclaredValueIsReadAsBlank() throws {
        let (mapping, _) = try Self.mapping(
            """
              admissions:
                columns: { spell_id: SUSSPELLID }
                missing_values: { spell_id: -1, admission_method: [XX, "99"] }
            """)
        let text = """
            nhs_number,SUSSPELLID,admission_date,admission_method
            \(nhs(1)),-1,2026-01-01,21
            \(nhs(1)),77,2026-01-01,xx
            \(nhs(1)),78,2026-01-01,99
            \(nhs(1)),-10,2026-01-01, 21

            """
        let sink = DiagnosticCollector()
        let reader = ExtractReader(directory: extractsFolder(["admissions.csv": text]), mapping: mapping, sink: sink)
        var rows: [EpisodeRow] = []
        try reader.readAdmissions {
            rows.append($0)
            return .accepted
        }
        #expect(rows.map(\.spellID) == ["77", "78", "-10"])
        #expect(rows.map(\.admissionMethod) == [nil, nil, ShortCode("21")])
        try #require(sink.diagnostics.count == 1)
        let d = sink.diagnostics[0]
        #expect((d.location.line, d.field, d.value) == (2, "spell_id", "-1"))
        #expect(d.reason == "missing required field (the mapping declares this value missing)")
    }

    @Test func aCompositeKeyWithADeclaredPartIsMissing() throws {
        let (mapping, _) = try Self.mapping(
            """
              admissions:
                columns: { spell_id: [PROCODE3, PROVSPNO] }
                missing_values: { spell_id: "-1" }
            """)
        let text = "nhs_number,PROCODE3,PROVSPNO,admission_date\n\(nhs(1)),RXX,-1,2026-01-01\n\(nhs(1)),RXX,5,2026-01-01\n"
        let sink = DiagnosticCollector()
        let reader = ExtractReader(directory: extractsFolder(["admissions.csv": text]), mapping: mapping, sink: sink)
        var rows: [EpisodeRow] = []
        try reader.readAdmissions {
            rows.append($0)
            return .accepted
        }
        #expect(rows.map(\.spellID) == ["RXX:5"])
        #expect(sink.diagnostics.map { "\($0.location.line) \($0.field) \($0.value)" } == ["2 spell_id RXX:-1"])
    }

    @Test func placeholderPracticesAreKeptAsNoRegisteredPractice() throws {
        // By default (no mapping, or a mapping that does not say): V81997, V81998, V81999.
        #expect(ColumnMapping.contract.noRegisteredPractice == ["V81997", "V81998", "V81999"])
        let text = "nhs_number,date_of_birth,gp_practice\n\(nhs(1)),1940-01-01,v81997\n\(nhs(2)),1940-01-01,X12345\n"
        let (rows, diagnostics, _) = try readPatients(text)
        #expect(diagnostics.isEmpty)
        #expect(rows.map(\.practice) == ["V81997", "X12345"])
        // A mapping may declare its own: they replace the default.
        let (own, _) = try Self.mapping("  patients:\n    missing_values: { gp_practice: [x12345] }\n")
        #expect(own.noRegisteredPractice == ["X12345"])
        let (ownRows, ownDiagnostics, _) = try readPatients(text, mapping: own)
        #expect(ownDiagnostics.isEmpty)
        #expect(ownRows.count == 2)
        let (none, _) = try Self.mapping("  patients:\n    missing_values: { gp_practice: [] }\n")
        #expect(none.noRegisteredPractice.isEmpty)
    }

    @Test(arguments: [
        ("  admissions:\n    missing_values: { spel_id: -1 }\n", "'spel_id' is not a column of admissions"),
        ("  admissions:\n    missing_values: { spell_id: [\"\"] }\n", "must not be blank"),
        ("  admissions:\n    bnf_map: { file: m.csv }\n", "only prescriptions have a bnf_map"),
    ])
    func badDeclarationsAreRefused(yaml: String, message: String) throws {
        do {
            _ = try Self.mapping(yaml)
            Issue.record("accepted")
        } catch {
            let error = try #require(error as? ConfigurationError)
            #expect(error.description.contains(message), "\(error)")
        }
    }
}

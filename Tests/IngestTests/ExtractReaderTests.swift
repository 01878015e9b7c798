import CaseCore
import Foundation
import Ingest
import TestSupport
import Testing

/// Reads patients.csv text and returns the accepted rows and every diagnostic.
func readPatients(_ text: String, mapping: ColumnMapping = .contract, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws
    -> ([PatientRow], [Diagnostic], FileStats)
{
    let sink = DiagnosticCollector()
    let reader = ExtractReader(
        directory: extractsFolder(["patients.csv": text], sourceLocation: sourceLocation), mapping: mapping, sink: sink)
    var rows: [PatientRow] = []
    var seen: Set<UInt64> = []
    try reader.readPatients { row in
        guard seen.insert(row.person).inserted else { return .reject(reason: "duplicate", field: "nhs_number", value: "") }
        rows.append(row)
        return .accepted
    }
    return (rows, sink.diagnostics, try #require(reader.stats[.patients], sourceLocation: sourceLocation))
}

@Suite struct ExtractReaderTests {
    @Test func everyRowIsAcceptedOrRejectedWithItsLine() throws {
        let text = """
            nhs_number,date_of_birth,sex,gp_practice,date_of_death
            \(nhs(1)),1940-01-01,F,f81001,
            9434765918,1940-01-01,F,F81001,
            \(nhs(2)),1940-02-30,F,F81001,
            \(nhs(3)),1800-01-01,F,F81001,
            \(nhs(4)),1940-01-01,F,,
            \(nhs(5)),1940-01-01,F,F81001
            \(nhs(6)),1940-01-01,F,F81001,2026-13-01
            \(nhs(7)),1940-01-01,F,F81001,1801-01-01
            \(nhs(1)),1941-01-01,M,F81001,
            "\(nhs(8))","1940-01-01","F","F81001",""

            """
        let (rows, diagnostics, stats) = try readPatients(text)
        try #require(rows.map { NHSNumber.format($0.person) } == [nhs(1), nhs(7), nhs(8)])
        #expect(rows[0].practice == "F81001")
        #expect(rows[1].dateOfDeath == nil)
        #expect(stats.read == 10)
        #expect(stats.accepted == 3)
        #expect(stats.rejected == 7)
        #expect(stats.warnings == 1)
        let summary = diagnostics.map { "\($0.location.line) \($0.severity.rawValue) \($0.field) \($0.value)" }
        try #require(
            summary == [
                "3 reject nhs_number 9434765918", "4 reject date_of_birth 1940-02-30", "5 reject date_of_birth 1800-01-01",
                "6 reject gp_practice ", "7 reject  ", "8 reject date_of_death 2026-13-01", "9 warning date_of_death 1801-01-01",
                "10 reject nhs_number \(nhs(1))",
            ])
        #expect(diagnostics[4].reason == "record has 4 fields; the header has 5")
        #expect(diagnostics[7].reason == "duplicate")
        #expect(diagnostics[7].value == nhs(1), "a consumer's reject shows the field's value")
        #expect(diagnostics[4].record == "\(nhs(5)),1940-01-01,F,F81001")
        #expect(diagnostics[1].reason.contains("unreadable date"))
        #expect(diagnostics[2].reason.contains("sentinel"))
    }

    @Test func anyColumnOrderExtraColumnsAndHeaderCase() throws {
        let text = "GP_Practice,Extra,Date_Of_Birth,NHS_NUMBER\r\nF81001,x,1950-05-06,\(nhs(1))\r\n"
        let (rows, diagnostics, _) = try readPatients(text)
        #expect(diagnostics.isEmpty)
        try #require(rows.count == 1)
        #expect(rows[0].dateOfBirth.description == "1950-05-06")
        #expect(rows[0].dateOfDeath == nil)
    }

    @Test func aMissingRequiredColumnStopsTheRun() throws {
        #expect(throws: ConfigurationError.self) { try readPatients("nhs_number,sex,gp_practice\n") }
        do {
            _ = try readPatients("nhs_number,sex,gp_practice\n")
        } catch {
            #expect(String(describing: error).hasPrefix("patients.csv:1: error: patients.csv has no column 'date_of_birth'"))
        }
    }

    /// A file delivered without its header line: the message says so and never quotes the first
    /// row, which is a patient's (a cron log is read outside direct care).
    @Test func aMissingHeaderLineIsNotQuoted() throws {
        let row = "\(nhs(1)),1940-01-01,F,F81001,"
        do {
            _ = try readPatients(row + "\n" + row + "\n")
            Issue.record("accepted")
        } catch {
            let error = try #require(error as? ConfigurationError)
            #expect(error.description.contains("the first line has 5 field(s) and looks like data, not a header (not shown)"))
            #expect(!error.description.contains(nhs(1)))
            #expect(!error.description.contains("1940"))
        }
    }

    @Test func nhsNumbersWithSpacesAndHyphens() throws {
        let (rows, diagnostics, _) = try readPatients("nhs_number,date_of_birth,gp_practice\n943 476 5919,1940-01-01,F1\n")
        #expect(diagnostics.isEmpty)
        #expect(rows.first?.person == 9_434_765_919)
    }

    @Test func aMissingOptionalFileIsNoData() throws {
        let reader = ExtractReader(directory: extractsFolder([:]), sink: DiagnosticCollector())
        try reader.readNominations { _ in .accepted }
        #expect(reader.stats[.nominations]?.present == false)
        #expect(throws: ConfigurationError.self) { try reader.readPatients { _ in .accepted } }
    }

    @Test func admissionsDiagnosesAndWarnings() throws {
        let text = """
            nhs_number,spell_id,admission_date,discharge_date,diag_01,diag_02,diag_03,diag_4_04,diagnosis_notes
            \(nhs(1)),S1,2026-01-01,1800-01-01,K59.0,W1,A17.0†,E86,free text
            \(nhs(1)),S2,1582-10-15,,,,,,
            \(nhs(1)),S3,2026-01-01,2026-02-30,,,,,

            """
        let sink = DiagnosticCollector()
        let reader = ExtractReader(directory: extractsFolder(["admissions.csv": text]), sink: sink)
        var rows: [EpisodeRow] = []
        try reader.readAdmissions {
            rows.append($0); return .accepted
        }
        try #require(rows.count == 1)
        #expect(rows[0].dischargeDate == nil)
        #expect(rows[0].diagnoses.map(\.description) == ["K590", "A170"])
        let summary = sink.diagnostics.map { "\($0.location.line) \($0.severity.rawValue) \($0.field) \($0.value)" }
        #expect(
            summary == [
                "2 warning discharge_date 1800-01-01", "2 warning diag_02 W1", "3 reject admission_date 1582-10-15",
                "4 reject discharge_date 2026-02-30",
            ])
        let stats = try #require(reader.stats[.admissions])
        #expect((stats.read, stats.accepted, stats.rejected, stats.warnings) == (3, 1, 2, 2))
    }

    @Test func bnfCodes() throws {
        let text =
            "nhs_number,issue_date,bnf_code,drug_name\n\(nhs(1)),2026-01-01,0212000AAAAAAAA,\"Atorvastatin 20mg, tablets\"\n\(nhs(1)),2026-01-01,0212000A,short\n\(nhs(1)),2026-01-01,0212-000AAAA,dash\n"
        let sink = DiagnosticCollector()
        let reader = ExtractReader(directory: extractsFolder(["prescriptions.csv": text]), sink: sink)
        var rows: [PrescriptionRow] = []
        try reader.readPrescriptions {
            rows.append(contentsOf: $0); return 0
        }
        #expect(rows.map(\.substance.description) == ["0212000AA"])
        #expect(sink.diagnostics.map(\.location.line) == [3, 4])
        #expect(sink.diagnostics.allSatisfy { $0.field == "bnf_code" && $0.severity == .reject })
    }

    @Test(arguments: [("55", true), ("49", false), ("81", false), ("fifty", false)])
    func caseloadLimits(value: String, ok: Bool) throws {
        let text = "case_manager_id,locality,caseload_max\nCM1,Colchester,60\nCM2,Colchester,\(value)\n"
        let reader = ExtractReader(directory: extractsFolder(["case_managers.csv": text]), sink: DiagnosticCollector())
        if ok {
            try reader.readCaseManagers { _ in .accepted }
        } else {
            do {
                try reader.readCaseManagers { _ in .accepted }
                Issue.record("accepted \(value)")
            } catch {
                let error = try #require(error as? ConfigurationError)
                #expect(error.location == SourceLocation(file: "case_managers.csv", line: 3))
                #expect(error.description.contains("caseload_max '\(value)'"))
            }
        }
    }

    /// expected_patients is at most 100 million and not negative: a figure near 2^63 once
    /// overflowed the scoping arithmetic (a crash), and a negative one was printed.
    @Test(arguments: [("0", true), ("100000000", true), ("100000001", false), ("-1", false), ("9223372036854775000", false)])
    func expectedPatientsHaveARange(value: String, ok: Bool) throws {
        let sink = DiagnosticCollector()
        let text = "locality,expected_patients\nColchester,\(value)\n"
        let reader = ExtractReader(directory: extractsFolder(["localities.csv": text]), sink: sink)
        var rows: [LocalityRow] = []
        try reader.readLocalities {
            rows.append($0)
            return .accepted
        }
        #expect(rows.map(\.expectedPatients) == (ok ? [Int(value)!] : []))
        #expect(sink.diagnostics.map(\.reason) == (ok ? [] : ["out of range: a whole number from 0 to 100000000"]))
    }

    @Test func unregisteredActivityIsCounted() throws {
        let text = "nhs_number,nominated_on\n\(nhs(1)),2026-01-01\n\(nhs(2)),2026-01-01\n"
        let reader = ExtractReader(directory: extractsFolder(["nominations.csv": text]), sink: DiagnosticCollector())
        let registered = try #require(NHSNumber.parse(nhs(1)))
        try reader.readNominations { $0.person == registered ? .accepted : .unregistered }
        let s = try #require(reader.stats[.nominations])
        #expect((s.read, s.accepted, s.rejected, s.unregistered) == (2, 2, 0, 1))
    }
}

@Suite struct ColumnMappingTests {
    static let hes = Result { try ColumnMapping.load(path: repositoryRoot() + "/mappings/hes-apc.yaml") }

    @Test func hesHeadersCompositeSpellKeysAndDiagnosisColumns() throws {
        let text = """
            NEWNHSNO,PROCODE3,PROVSPNO,EPIORDER,ADMIDATE,DISDATE,ADMIMETH,CLASSPAT,ADMISORC,DISDEST,DISMETH,DIAG_4_01,DIAG_4_02,DIAG_4_CONCAT
            \(nhs(1)),RXX,123,1,2026-01-01,2026-01-05,2b,1,51,19,1,N390,R11X,ignored
            \(nhs(1)),RYY,123,01,2026-01-01,,21,1,19,19,1,,,

            """
        let sink = DiagnosticCollector()
        let reader = ExtractReader(
            directory: extractsFolder(["admissions.csv": text]), mapping: try ColumnMappingTests.hes.get(), sink: sink)
        var rows: [EpisodeRow] = []
        try reader.readAdmissions {
            rows.append($0); return .accepted
        }
        #expect(sink.diagnostics.isEmpty)
        try #require(rows.map(\.spellID) == ["RXX:123", "RYY:123"])
        #expect(rows[0].admissionMethod == ShortCode("2B"))
        #expect(rows[0].diagnoses.map(\.description) == ["N390", "R11"])
        #expect(rows[1].episodeNumber == 1)
    }

    @Test func declaredDateFormatDelimiterListColumnAndOpaqueIds() throws {
        let mappingText = """
            mapping: sus-test
            version: 1
            person_id: opaque
            date_format: DD/MM/YYYY
            files:
              patients:
                delimiter: "|"
                columns: { nhs_number: Der_Pseudo_NHS_Number, gp_practice: GP_Practice_Code }
              admissions:
                file: apce.txt
                columns:
                  nhs_number: Der_Pseudo_NHS_Number
                  spell_id: APCS_Ident
                  admission_date: Admission_Date
                diagnoses: { list: Der_Diagnosis_All }
            """
        let folder = extractsFolder([
            "mapping.yaml": mappingText,
            "patients.csv": "Der_Pseudo_NHS_Number|date_of_birth|GP_Practice_Code\nTOKEN-A|01/02/1940|F81001\n",
            "apce.txt":
                "Der_Pseudo_NHS_Number,APCS_Ident,Admission_Date,Der_Diagnosis_All\nTOKEN-A,77,22/11/2026,\"I10X,E86.0||W19X , K590\"\n",
        ])
        let mapping = try ColumnMapping.load(path: folder + "/mapping.yaml")
        let sink = DiagnosticCollector()
        let reader = ExtractReader(directory: folder, mapping: mapping, sink: sink)
        var patients: [PatientRow] = []
        var episodes: [EpisodeRow] = []
        try reader.readPatients {
            patients.append($0); return .accepted
        }
        try reader.readAdmissions {
            episodes.append($0); return .accepted
        }
        #expect(sink.diagnostics.isEmpty)
        #expect(patients.first?.dateOfBirth.description == "1940-02-01")
        #expect(episodes.first?.person == patients.first?.person)
        #expect(reader.people.display(try #require(patients.first).person) == "TOKEN-A")
        #expect(episodes.first?.admissionDate.description == "2026-11-22")
        #expect(episodes.first?.diagnoses.map(\.description) == ["I10", "E860", "W19", "K590"])
    }

    @Test func mappingErrorsNameTheLine() throws {
        let folder = extractsFolder(["m.yaml": "mapping: x\nversion: 1\nfiles:\n  admissions:\n    columns:\n      nhs_numbr: NEWNHSNO\n"])
        do {
            _ = try ColumnMapping.load(path: folder + "/m.yaml")
            Issue.record("accepted")
        } catch {
            #expect(error.location?.line == 6)
            #expect(error.description.contains("'nhs_numbr' is not a column of admissions"))
        }
    }
}

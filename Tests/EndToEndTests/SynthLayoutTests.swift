import Foundation
import TestSupport
import Testing

/// `casefind synth --layout`: the same records in another order, quoted throughout, with CRLF
/// line ends and a byte-order mark, must give casefind's same outputs (issue 14).
@Suite struct SynthLayoutTests {
    static let layouts: [(name: String, flags: [String])] = [
        ("sorted", []), ("shuffled", ["--layout", "shuffled"]), ("quote-all+crlf+bom", ["--layout", "quote-all", "--crlf", "--bom"]),
        ("sorted+messy-names", ["--messy-names"]),
    ]
    /// What `--messy-names` adds to a quarter of the drug names (a comma, quotes, a line break).
    static let messySuffix = ", 28 \"as directed\"\nrepeat dispensing"
    static let extracts = [
        "patients.csv", "practices.csv", "localities.csv", "case_managers.csv", "admissions.csv", "prescriptions.csv", "residence.csv",
        "nominations.csv",
    ]

    /// A synth of 3,000 patients (seed 5) with `flags`, in a new folder.
    static func synth(_ flags: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let folder = temporaryFolder("synth", sourceLocation: sourceLocation)
        let r = try CaseFind.run(["synth", "--patients", "3000", "--seed", "5", "--out", folder] + flags)
        try #require(r.status == 0, "casefind synth \(flags): \(r.stderr)", sourceLocation: sourceLocation)
        return folder
    }

    /// Every file of a run's output folder by relative path, but the state store, summary.json
    /// and rejects.csv (compared on their own).
    static func outputs(_ out: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.subpathsOfDirectory(atPath: out).sorted() {
            var folder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: out + "/" + name, isDirectory: &folder), !folder.boolValue else { continue }
            // The run token (.casefind-run) is random by design.
            if name.hasPrefix("casefind-state") || name == ".casefind-run" || name == "summary.json" || name == "rejects.csv" { continue }
            files[name] = try Data(contentsOf: URL(fileURLWithPath: out + "/" + name))
        }
        return files
    }

    /// summary.json without the inputs' sha256 and bytes, which are the files' own.
    static func summary(_ out: String) throws -> NSDictionary {
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var copy = json
        let inputs = try #require(json["inputs"] as? [[String: Any]])
        copy["inputs"] = inputs.map { $0.filter { $0.key != "sha256" && $0.key != "bytes" } }
        return copy as NSDictionary
    }

    /// rejects.csv's rows as (file, severity, reason, field, value, the raw record's fields),
    /// sorted; each row's line is checked to hold its record in that layout's `extracts`.
    static func rejects(_ out: String, extracts: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String]] {
        var rows: [[String]] = []
        for r in csvRecords(read(out + "/rejects.csv", sourceLocation: sourceLocation), sourceLocation: sourceLocation) {
            let file = r["file"] ?? ""
            let record = parseCSV(r["record"] ?? "").first ?? []
            let line = try #require(Int(r["line"] ?? ""), "rejects.csv line \(r["line"] ?? "")", sourceLocation: sourceLocation)
            // Physical lines (split at LF, so a CRLF line keeps its CR); a record may span three.
            let bytes = try Data(contentsOf: URL(fileURLWithPath: extracts + "/" + file))
            let lines = bytes.split(separator: 10, omittingEmptySubsequences: false)
            try #require(line >= 2 && line <= lines.count, "\(file) has no line \(line)", sourceLocation: sourceLocation)
            let text = String(decoding: Data(lines[(line - 1)..<min(lines.count, line + 2)].joined(separator: [10])), as: UTF8.self)
            #expect(parseCSV(text).first == record, "\(file) line \(line) does not hold \(record)", sourceLocation: sourceLocation)
            rows.append([file, r["severity"] ?? "", r["reason"] ?? "", r["field"] ?? "", r["value"] ?? ""] + record)
        }
        return rows.sorted { $0.lexicographicallyPrecedes($1) }
    }

    static func flagsOf(_ name: String) -> [String] { layouts.first { $0.name == name }?.flags ?? [] }

    @Test func everyLayoutGivesTheSameOutputs() throws {
        var runs: [(name: String, extracts: String, out: String)] = []
        for (name, flags) in Self.layouts {
            let extracts = try Self.synth(flags)
            let out = temporaryFolder("out-\(name)")
            let r = try casefind("run", extracts, asOf: "2026-11-22", out: out)
            try #require(r.status == 0, "casefind run on \(name): \(r.stderr)")
            runs.append((name, extracts, out))
        }
        let first = try Self.outputs(runs[0].out)
        for name in ["cases.csv", "scoping.csv", "attrition.csv", "exceptions.csv", "report.html", "lapsed.csv"] {
            #expect(first[name] != nil, "no \(name)")
        }
        #expect(first.keys.contains { $0.hasPrefix("caseloads/") }, "no caseloads/")
        #expect(first.keys.contains { $0.hasPrefix("practices/") && $0.hasSuffix(".xlsx") }, "no practices/")
        #expect((first["cases.csv"]?.count ?? 0) > 1000, "too few cases to compare")
        let firstRejects = try Self.rejects(runs[0].out, extracts: runs[0].extracts)
        #expect(!firstRejects.isEmpty, "no rejects or warnings to compare")
        for run in runs.dropFirst() {
            let files = try Self.outputs(run.out)
            #expect(files.keys.sorted() == first.keys.sorted(), "\(run.name): other files")
            let differing = first.keys.filter { files[$0] != first[$0] }.sorted()
            #expect(differing.isEmpty, "\(run.name): differs from sorted in \(differing)")
            #expect(try Self.summary(run.out) == Self.summary(runs[0].out), "\(run.name): summary.json differs")
            // Lines and raw records follow the file; the findings may not.
            let rejects = try Self.rejects(run.out, extracts: run.extracts)
            if Self.flagsOf(run.name).contains("--messy-names") {
                // A quarter of the drug names are messy, and none of them is in a rejected row.
                let text = read(run.extracts + "/prescriptions.csv")
                let written = Self.messySuffix.replacingOccurrences(of: "\"", with: "\"\"")  // quotes doubled in the file
                let messy = text.components(separatedBy: written).count - 1
                let rows = text.split(separator: "\n").count - 1 - messy  // a messy name has a line break
                #expect(messy * 5 > rows && messy * 3 < rows, "\(messy) messy drug names in about \(rows) rows")
            }
            #expect(rejects == firstRejects, "\(run.name): rejects.csv differs")
        }
    }

    /// The first problem with `bytes` as a file where every field is quoted and every record
    /// ends in `lineEnd`, or nil.
    static func quotingProblem(_ bytes: [UInt8], lineEnd: [UInt8]) -> String? {
        var i = 0
        var record = 1
        while i < bytes.count {
            guard bytes[i] == 34 else { return "record \(record): a field at byte \(i) is not quoted" }
            i += 1
            while true {
                guard i < bytes.count else { return "record \(record): a quote is not closed" }
                if bytes[i] == 34 {
                    if i + 1 < bytes.count && bytes[i + 1] == 34 {
                        i += 2
                        continue
                    }
                    i += 1
                    break
                }
                i += 1
            }
            guard i < bytes.count else { return "record \(record): no line end at the end of the file" }
            if bytes[i] == 44 {
                i += 1
            } else if bytes[i...].starts(with: lineEnd) {
                i += lineEnd.count
                record += 1
            } else {
                return "record \(record): byte \(bytes[i]) at \(i) after a closing quote"
            }
        }
        return nil
    }

    @Test func shuffledIsNotSortedAndQuoteAllQuotesEveryField() throws {
        let sorted = try Self.synth([])
        let shuffled = try Self.synth(["--layout", "shuffled"])
        let again = try Self.synth(["--layout", "shuffled"])
        let quoted = try Self.synth(["--layout", "quote-all", "--crlf", "--bom"])
        for name in Self.extracts {
            let base = parseCSV(read(sorted + "/" + name))
            let mixed = parseCSV(read(shuffled + "/" + name))
            #expect(mixed.first == base.first, "\(name): shuffled's header moved")
            #expect(
                mixed.dropFirst().sorted { $0.lexicographicallyPrecedes($1) }
                    == base.dropFirst().sorted { $0.lexicographicallyPrecedes($1) },
                "\(name): shuffled holds other records")
            #expect(read(again + "/" + name) == read(shuffled + "/" + name), "\(name): shuffled is not deterministic")
            if base.count > 20 { #expect(mixed != base, "\(name): shuffled kept the order") }

            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: quoted + "/" + name)))
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]), "\(name): no byte-order mark")
            #expect(
                Self.quotingProblem(Array(bytes.dropFirst(3)), lineEnd: [13, 10]) == nil,
                "\(name): \(Self.quotingProblem(Array(bytes.dropFirst(3)), lineEnd: [13, 10]) ?? "")")
            #expect(parseCSV(read(quoted + "/" + name)) == base, "\(name): quote-all holds other records")
        }
        // Not grouped by patient: in sorted order nearly every prescription follows one of the
        // same patient's; shuffled, hardly any does.
        for name in ["patients.csv", "admissions.csv", "prescriptions.csv"] {
            func neighbours(_ folder: String) -> (same: Int, descending: Int, rows: Int) {
                let nhs = parseCSV(read(folder + "/" + name)).dropFirst().map { $0[0] }
                let pairs = zip(nhs, nhs.dropFirst())
                return (pairs.filter { $0 == $1 }.count, pairs.filter { $0 > $1 }.count, nhs.count)
            }
            let a = neighbours(sorted)
            let b = neighbours(shuffled)
            #expect(a.descending == 0, "\(name): sorted is not sorted by patient")
            #expect(b.descending > b.rows / 3, "\(name): shuffled is nearly sorted (\(b.descending) of \(b.rows) rows step down)")
            #expect(b.same * 20 < max(a.same, 20), "\(name): shuffled keeps patients together (\(b.same) against \(a.same))")
        }
    }
}

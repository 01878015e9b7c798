import CaseCore
import Foundation
import Testing

/// Valid NHS numbers for tests: the `n`th number with a valid Modulus 11 check digit at or
/// after 999 000 000 (the 999 range is never issued to real patients).
public func nhs(_ n: Int) -> String {
    var base = 999_000_000 + n * 7
    while true {
        let digits = String(base).compactMap { Int(String($0)) }
        var sum = 0
        for (i, d) in digits.enumerated() { sum += d * (10 - i) }
        var check = 11 - sum % 11
        if check == 11 { check = 0 }
        if check != 10 { return String(base) + String(check) }
        base += 1
    }
}

/// A fresh empty folder under the system's temporary directory. If it cannot be made, the
/// failure is recorded at the caller (and whatever the test writes there fails in turn).
public func temporaryFolder(_ name: String = "casefind-test", sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("\(name)-\(UUID().uuidString)")
    do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
        Issue.record(error, "cannot make the temporary folder \(path)", sourceLocation: sourceLocation)
    }
    return path
}

/// Writes `files` (name -> text) into a new temporary folder and returns its path; a file
/// that cannot be written is recorded as a failure at the caller.
public func extractsFolder(_ files: [String: String], sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
    let dir = temporaryFolder("extracts", sourceLocation: sourceLocation)
    for (name, text) in files {
        do {
            try text.write(toFile: (dir as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
        } catch {
            Issue.record(error, "cannot write \(name) in \(dir)", sourceLocation: sourceLocation)
        }
    }
    return dir
}

/// Runs a program (in `directory` if given) and returns its exit status and what it printed
/// (stdout and stderr together).
public func runProgram(_ path: String, _ arguments: [String], in directory: String? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output)
}

/// The Python of the test venv (`Tests/sql/.venv`, made by `scripts/setup --tests`), with
/// duckdb, pyspark and openpyxl; nil, with the failure recorded at the caller, when it is missing.
public func testVenvPython(sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String? {
    let python = repositoryRoot() + "/Tests/sql/.venv/bin/python"
    guard FileManager.default.isExecutableFile(atPath: python) else {
        Issue.record("\(python) is missing: run scripts/setup --tests (it calls Tests/sql/setup.sh) first", sourceLocation: sourceLocation)
        return nil
    }
    return python
}

/// The repository's root folder (found from the calling source file's path). Without a
/// Package.swift above it, the failure is recorded at the caller and the file's folder returned.
public func repositoryRoot(_ file: String = #filePath, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
    var url = URL(fileURLWithPath: file)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
    }
    Issue.record("no Package.swift above \(file)", sourceLocation: sourceLocation)
    return URL(fileURLWithPath: file).deletingLastPathComponent().path
}

/// Parses a small CSV text into rows of fields (for comparing output files in tests; handles
/// quotes, doubled quotes and line breaks in quotes).
public func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var inQuotes = false
    var chars = Array(text.unicodeScalars)
    if chars.first == "\u{FEFF}" { chars.removeFirst() }
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if inQuotes {
            if c == "\"" {
                if i + 1 < chars.count && chars[i + 1] == "\"" {
                    field.unicodeScalars.append("\"")
                    i += 1
                } else {
                    inQuotes = false
                }
            } else {
                field.unicodeScalars.append(c)
            }
        } else if c == "\"" {
            inQuotes = true
        } else if c == "," {
            row.append(field)
            field = ""
        } else if c == "\n" || c == "\r" {
            if c == "\r" && i + 1 < chars.count && chars[i + 1] == "\n" { i += 1 }
            row.append(field)
            field = ""
            if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
            row = []
        } else {
            field.unicodeScalars.append(c)
        }
        i += 1
    }
    if !field.isEmpty || !row.isEmpty {
        row.append(field)
        rows.append(row)
    }
    return rows
}

/// CSV rows as dictionaries keyed by the header (a short row lacks the last columns' keys). A
/// header naming a column twice is recorded as a failure at the caller; the first one is kept.
public func csvRecords(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [[String: String]] {
    let rows = parseCSV(text)
    guard let header = rows.first else { return [] }
    let repeated = Dictionary(grouping: header, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
    if !repeated.isEmpty { Issue.record("the header names \(repeated) more than once", sourceLocation: sourceLocation) }
    return rows.dropFirst().map { Dictionary(zip(header, $0).map { ($0, $1) }, uniquingKeysWith: { first, _ in first }) }
}

/// The `name` field of every record, in order; a record without it (a column missing from the
/// header, or a short row) fails the test at the caller.
public func column(_ name: String, of records: [[String: String]], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws
    -> [String]
{
    try records.enumerated().map { i, record in
        try #require(record[name], "record \(i + 1) has no \(name)", sourceLocation: sourceLocation)
    }
}

/// Records by the value of their `key` field (nhs_number unless said); a record without the key,
/// or a key seen twice, fails the test at the caller.
public func keyed(
    _ records: [[String: String]], by key: String = "nhs_number", sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws -> [String: [String: String]] {
    let keys = try column(key, of: records, sourceLocation: sourceLocation)
    let byKey = Dictionary(zip(keys, records).map { ($0, $1) }, uniquingKeysWith: { first, _ in first })
    try #require(byKey.count == records.count, "a \(key) is repeated", sourceLocation: sourceLocation)
    return byKey
}

/// sample-extracts/ scaled up: `copies` copies of every patient and their activity, each
/// copy with its own valid NHS numbers (invalid ones stay invalid). For kill and memory tests.
public func scaledSample(copies: Int, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> String {
    let source = repositoryRoot() + "/sample-extracts"
    let out = temporaryFolder("scaled", sourceLocation: sourceLocation)
    let names = try FileManager.default.contentsOfDirectory(atPath: source).filter { $0.hasSuffix(".csv") }
    try #require(!names.isEmpty, "no CSV file in \(source)", sourceLocation: sourceLocation)
    for name in names {
        let text = try String(contentsOfFile: source + "/" + name, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard let header = lines.first else { continue }
        let perPatient = ["patients.csv", "admissions.csv", "prescriptions.csv", "residence.csv", "nominations.csv", "opt_outs.csv"]
            .contains(name)
        var result = header + "\n"
        let body = lines.dropFirst().joined(separator: "\n") + "\n"
        if perPatient {
            for copy in 0..<copies { result += remapNHSNumbers(body, copy: copy) }
        } else {
            result += body
        }
        try result.write(toFile: out + "/" + name, atomically: true, encoding: .utf8)
    }
    return out
}

/// Replaces every 10-digit run starting with 999 or 943 by the `copy`th variant of it.
func remapNHSNumbers(_ text: String, copy: Int) -> String {
    guard copy > 0 else { return text }
    var out = ""
    var digits = ""
    func flush() {
        if digits.count == 10, digits.hasPrefix("999") || digits.hasPrefix("943") {
            let valid = NHSNumber.parse(digits) != nil
            var base = ((Int(digits.prefix(9)) ?? 0) + copy * 1_000_003) % 1_000_000_000
            while true {
                let d9 = String(repeating: "0", count: 9 - String(base).count) + String(base)
                let sum = d9.enumerated().reduce(0) { $0 + ($1.element.wholeNumberValue ?? 0) * (10 - $1.offset) }
                var check = 11 - sum % 11
                if check == 11 { check = 0 }
                if check != 10 {
                    out += d9 + String(valid ? check : (check + 1) % 10)
                    break
                }
                base += 1
            }
        } else {
            out += digits
        }
        digits = ""
    }
    for ch in text {
        if ch.isASCII && ch.isNumber {
            digits.append(ch)
        } else {
            flush()
            out.append(ch)
        }
    }
    flush()
    return out
}

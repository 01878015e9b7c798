import CaseCore
import Foundation

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

/// A fresh empty folder under the system's temporary directory.
public func temporaryFolder(_ name: String = "casefind-test") -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("\(name)-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Writes `files` (name -> text) into a new temporary folder and returns its path.
public func extractsFolder(_ files: [String: String]) -> String {
    let dir = temporaryFolder("extracts")
    for (name, text) in files {
        try! text.write(toFile: (dir as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    return dir
}

/// Runs a program and returns its exit status and what it printed (stdout and stderr together).
public func runProgram(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output)
}

/// The repository's root folder (found from this source file's path).
public func repositoryRoot(_ file: String = #filePath) -> String {
    var url = URL(fileURLWithPath: file)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
    }
    fatalError("no Package.swift above \(file)")
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

/// CSV rows as dictionaries keyed by the header.
public func csvRecords(_ text: String) -> [[String: String]] {
    let rows = parseCSV(text)
    guard let header = rows.first else { return [] }
    return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0).map { ($0, $1) }) }
}

/// sample-extracts/ scaled up: `copies` copies of every patient and their activity, each
/// copy with its own valid NHS numbers (invalid ones stay invalid). For kill and memory tests.
public func scaledSample(copies: Int) -> String {
    let source = repositoryRoot() + "/sample-extracts"
    let out = temporaryFolder("scaled")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: source).filter { $0.hasSuffix(".csv") }) ?? []
    for name in names {
        let text = (try? String(contentsOfFile: source + "/" + name, encoding: .utf8)) ?? ""
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
        try? result.write(toFile: out + "/" + name, atomically: true, encoding: .utf8)
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
            var base = (Int(digits.prefix(9))! + copy * 1_000_003) % 1_000_000_000
            while true {
                let d9 = String(repeating: "0", count: 9 - String(base).count) + String(base)
                let sum = d9.enumerated().reduce(0) { $0 + Int(String($1.element))! * (10 - $1.offset) }
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

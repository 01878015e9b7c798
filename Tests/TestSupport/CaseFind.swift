import Foundation
import Testing

/// The built `casefind` executable, run as a user or cron would run it.
public enum CaseFind {
    /// `CASEFIND_BIN` if set, else the executable beside the test bundle in the build folder.
    public static let binary: String = {
        if let p = ProcessInfo.processInfo.environment["CASEFIND_BIN"] { return p }
        let built = repositoryRoot() + "/.build/debug/casefind"
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("casefind").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("casefind").path, built,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? built
    }()

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs casefind with `arguments` from `directory` (the repository root by default).
    public static func run(_ arguments: [String], in directory: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? repositoryRoot())
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// `casefind run` on sample-extracts/ (or `extracts`) with the Essex criteria, quietly.
    public static func sampleRun(out: String, extracts: String? = nil, asOf: String = "2026-11-22", _ extra: [String] = []) throws
        -> Result
    {
        try run(
            [
                "run", "--extracts", extracts ?? repositoryRoot() + "/sample-extracts", "--criteria",
                repositoryRoot() + "/criteria/essex-2005.yaml",
                "--as-of", asOf, "--out", out, "--quiet",
            ] + extra)
    }
}

/// `casefind COMMAND` on `extracts` with the Essex criteria at `asOf` into `out`, quietly.
public func casefind(_ command: String, _ extracts: String, asOf: String, out: String, extra: [String] = []) throws -> CaseFind.Result {
    try CaseFind.run(
        [
            command, "--extracts", extracts, "--criteria", repositoryRoot() + "/criteria/essex-2005.yaml", "--as-of", asOf, "--out", out,
            "--quiet",
        ]
            + extra)
}

/// `casefind screening import` of `rows` (nhs_number,outcome,date,case_manager_id) into `out`.
public func screening(_ rows: [String], out: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> CaseFind.Result {
    let file = temporaryFolder("screening", sourceLocation: sourceLocation) + "/outcomes.csv"
    try ("nhs_number,outcome,date,case_manager_id\n" + rows.map { $0 + "\n" }.joined()).write(
        toFile: file, atomically: true, encoding: .utf8)
    return try CaseFind.run(["screening", "import", file, "--out", out])
}

/// The text of a file; a file that cannot be read is recorded as a failure at the caller, and
/// reads as "".
public func read(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    do {
        return try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        Issue.record(error, "cannot read \(path)", sourceLocation: sourceLocation)
        return ""
    }
}

/// A CSV file's records by NHS number (see `keyed`).
public func byNHS(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: [String: String]] {
    try keyed(csvRecords(read(path, sourceLocation: sourceLocation), sourceLocation: sourceLocation), sourceLocation: sourceLocation)
}

/// A copy of sample-extracts/ with some files rewritten, for runs that change the inputs.
public func sampleCopy(rewriting: [String: (String) -> String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws
    -> String
{
    let source = repositoryRoot() + "/sample-extracts"
    let copy = temporaryFolder("extracts", sourceLocation: sourceLocation)
    let names = try FileManager.default.contentsOfDirectory(atPath: source).filter { $0.hasSuffix(".csv") }
    for name in rewriting.keys {
        #expect(names.contains(name), "no \(name) in sample-extracts/ to rewrite", sourceLocation: sourceLocation)
    }
    for name in names {
        let text = read(source + "/" + name, sourceLocation: sourceLocation)
        try (rewriting[name].map { $0(text) } ?? text).write(toFile: copy + "/" + name, atomically: true, encoding: .utf8)
    }
    return copy
}

/// Every output file's bytes, by relative path (the state store aside).
public func snapshot(_ out: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: String] {
    var files: [String: String] = [:]
    for name in try FileManager.default.subpathsOfDirectory(atPath: out) where name.hasSuffix(".csv") || name.hasSuffix(".json") {
        files[name] = read(out + "/" + name, sourceLocation: sourceLocation)
    }
    return files
}

/// How many runs `casefind history` lists for `out` (its lines after the heading).
public func runCount(_ out: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
    let r = try CaseFind.run(["history", "--out", out])
    #expect(r.status == 0, "casefind history: \(r.stderr)", sourceLocation: sourceLocation)
    return r.stdout.split(separator: "\n").count - 1
}

/// The hex SHA-256 of a file by `sha256sum` (coreutils), independent of casefind's hashing.
public func sha256sum(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let (status, output) = try runProgram("/usr/bin/sha256sum", [path])
    try #require(status == 0, "sha256sum \(path): \(output)", sourceLocation: sourceLocation)
    return String(output.prefix(64))
}

import Foundation
import TestSupport

/// The built `casefind` executable, run as a user or cron would run it.
enum CaseFind {
    /// `CASEFIND_BIN` if set, else the executable beside the test bundle in the build folder.
    static let binary: String = {
        if let p = ProcessInfo.processInfo.environment["CASEFIND_BIN"] { return p }
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("casefind").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("casefind").path,
            repositoryRoot() + "/.build/debug/casefind",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs casefind with `arguments` from the repository root.
    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot())
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

    static func sampleRun(out: String, extracts: String? = nil, asOf: String = "2026-11-22", _ extra: [String] = []) throws -> Result {
        try run(
            [
                "run", "--extracts", extracts ?? repositoryRoot() + "/sample-extracts", "--criteria",
                repositoryRoot() + "/criteria/essex-2005.yaml",
                "--as-of", asOf, "--out", out, "--quiet",
            ] + extra)
    }
}

func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

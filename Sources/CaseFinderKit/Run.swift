import CaseCore
import Foundation
import Ingest
import Report
import Rules

/// The version written to summary.json.
public let casefindVersion = "0.1.0"

/// `casefind run`: search and write every output file atomically into the output folder.
public enum Run {
    /// What a finished run reports on stdout.
    public struct Outcome {
        public var summary: RunSummary
        public var result: SearchResult
        public var outputFolder: String
    }

    /// Runs the search and writes cases.csv, attrition.csv, exceptions.csv, rejects.csv and
    /// summary.json. Throws `ConfigurationError` (exit 65) before writing anything when the
    /// configuration is bad, `OutputError` (exit 73) when the folder cannot be written; in
    /// both cases no file of this run appears in the folder.
    public static func run(
        _ options: SearchOptions, out: String, command: String = "run", progress: @escaping (String) -> Void = { _ in }
    ) throws -> Outcome {
        // Configuration first: a configuration error never creates or touches the output folder.
        try Pipeline.checkConfiguration(options)
        let folder = try OutputDirectory(path: out)
        do {
            let rejects = RejectsFile(handle: try folder.create("rejects.csv"))
            let loaded = try Pipeline.load(options, sink: rejects, progress: progress)
            let result = Pipeline.search(loaded)
            try rejects.close()
            try folder.write("cases.csv", RunFiles.cases(result.cases))
            try folder.write("attrition.csv", RunFiles.attrition(result.attrition))
            try folder.write("exceptions.csv", RunFiles.exceptions(result.exceptions))
            var timings = loaded.timings
            for (k, v) in result.timings { timings[k] = v }
            let summary = makeSummary(loaded, result, rejects: rejects, command: command, timings: timings)
            try folder.write("summary.json", summary.json())
            try folder.commit()
            return Outcome(summary: summary, result: result, outputFolder: out)
        } catch {
            folder.abandon()
            throw error
        }
    }

    static func makeSummary(
        _ loaded: LoadedExtracts, _ result: SearchResult, rejects: RejectsFile, command: String, timings: [String: Double]
    ) -> RunSummary {
        let inputs = ExtractKind.allCases.sorted().compactMap { kind -> RunSummary.Input? in
            guard let s = loaded.reader.stats[kind] else { return nil }
            return RunSummary.Input(
                file: s.fileName, present: s.present, sha256: s.present ? s.sha256 : nil, bytes: s.bytes, read: s.read,
                accepted: s.accepted, rejected: s.rejected, unregistered: s.unregistered, warnings: s.warnings)
        }
        var perPriority: [String: Int] = [:]
        var perLocality: [String: Int] = [:]
        for c in result.cases {
            perPriority[String(c.priority), default: 0] += 1
            perLocality[c.locality, default: 0] += 1
        }
        var perCriterion: [String: Int] = [:]
        for c in loaded.criteria.criteria {
            perCriterion[c.id] = result.attrition.first { $0.step == c.id }?.patients ?? 0
        }
        return RunSummary(
            casefindVersion: casefindVersion, command: command, asOf: loaded.options.asOf.description,
            criteria: .init(id: loaded.criteria.id, path: loaded.options.criteriaPath, sha256: loaded.criteriaSHA256),
            mapping: loaded.mapping.name, inputs: inputs, registered: loaded.store.patients.count,
            unmappedPractice: result.unmappedPractice, caseFound: result.cases.count, perPriority: perPriority,
            perCriterion: perCriterion, perLocality: perLocality, rejects: rejects.rejects, warnings: rejects.warnings,
            exceptions: result.exceptions.count, timings: timings.mapValues { ($0 * 1000).rounded() / 1000 })
    }

    /// The short summary printed on stdout (no NHS numbers).
    public static func describe(_ o: Outcome) -> String {
        let s = o.summary
        var lines: [String] = []
        lines.append("casefind \(s.command): criteria \(s.criteria.id), as of \(s.asOf)")
        let funnel = o.result.attrition.map { "\($0.step) \($0.patients)" }.joined(separator: ", ")
        lines.append("  funnel: \(funnel)")
        let priorities = s.perPriority.keys.sorted().map { "P\($0) \(s.perPriority[$0]!)" }.joined(separator: ", ")
        lines.append("  case-found: \(s.caseFound)\(priorities.isEmpty ? "" : " (\(priorities))")")
        for (locality, n) in s.perLocality.sorted(by: { $0.key < $1.key }) { lines.append("    \(locality): \(n)") }
        let read = s.inputs.reduce(0) { $0 + $1.read }
        lines.append("  rows read \(read): \(s.rejects) rejected, \(s.warnings) warnings (see rejects.csv); \(s.exceptions) exceptions")
        lines.append("  written to \(o.outputFolder)/")
        return lines.joined(separator: "\n")
    }
}

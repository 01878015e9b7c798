import Foundation
import Monitoring
import Report
import Store

extension Measures {
    /// `casefind measures`: load, search, read the state store, write the four files atomically.
    public static func run(_ options: SearchOptions, out: String, statePath: String, settings: Settings) throws -> Result {
        let configuration = try Pipeline.configure(options)
        guard FileManager.default.fileExists(atPath: statePath) else { throw StateError("no state store at \(statePath)") }
        let state = try StateStore(path: statePath)
        let history = try StateHistory.load(state)
        let outcomes = history.outcomes
        let runs = history.runs
        let folder = try OutputDirectory(path: out)
        do {
            let rejects = RejectsFile(handle: nil)
            let loaded = try Pipeline.load(configuration, sink: rejects, threads: 2)
            let found = Pipeline.search(loaded, threads: 2)
            let result = compute(
                store: loaded.store, people: loaded.reader.people, minAge: loaded.criteria.population.minAge, asOf: options.asOf,
                caseFound: found.cases, outcomes: outcomes, runs: runs, settings: settings)
            for f in files(result, disclosure: settings.disclosure) { try folder.write(f.name, f.bytes) }
            try folder.commit()
            return result
        } catch {
            folder.abandon()
            throw error
        }
    }
}

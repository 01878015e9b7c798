import CaseCore
import Foundation
import Ingest
import Report
import Store

/// `casefind screening import` and `casefind history`.
public enum Screening {
    /// Imports case managers' outcomes into the state store. Bad rows go to
    /// `screening-rejects.csv` in `out`; the good ones are added in one transaction. Each
    /// outcome remembers the criteria the patient met at the latest run, so a declined patient
    /// is offered again only when a new criterion triggers.
    /// - Parameter mappingPath: a column mapping whose `person_id` says how patients are keyed
    ///   (opaque: the pseudonymised keys the runs recorded), and whose `screening:` file entry,
    ///   if any, renames the columns.
    public static func importOutcomes(file: String, statePath: String, out: String, mappingPath: String? = nil) throws -> String {
        let given = try mappingPath.map { path throws(ConfigurationError) in try ColumnMapping.load(path: path) }
        let state = try StateStore(path: statePath)
        try state.lock()
        // A run a kill left pending is settled first, so "the latest run" is the right one.
        try Run.settle(state, progress: nil)
        var mapping = ColumnMapping(name: "screening")
        if let given {
            mapping.personID = given.personID
        }
        var fm = given?.files[.screening] ?? ColumnMapping.FileMapping()
        fm.fileName = (file as NSString).lastPathComponent
        mapping.files[.screening] = fm
        let folder = try OutputDirectory(path: out)
        do {
            let rejects = RejectsFile(handle: try folder.create("screening-rejects.csv"))
            let reader = ExtractReader(
                directory: FilePath.folder(of: file).isEmpty ? "." : FilePath.folder(of: file),
                mapping: mapping, sink: rejects)
            reader.namedFileOnly = true
            guard reader.exists(.screening) else { throw ConfigurationError("cannot read screening outcomes file \(file)") }
            let latest = try state.latestRun()
            var criteriaNow: [String: [String]] = [:]
            if let latest { for p in try state.patients(ofRun: latest.id) { criteriaNow[p.person] = p.criteria } }
            var outcomes: [ScreeningOutcome] = []
            try reader.readScreening { row in
                let person = reader.people.display(row.person)
                outcomes.append(
                    ScreeningOutcome(
                        person: person, outcome: row.outcome, date: row.date.description, caseManagerID: row.caseManagerID ?? "",
                        criteriaAtOutcome: criteriaNow[person] ?? []))
                return .accepted
            }
            try rejects.close()
            try folder.commit()
            try state.importScreening(outcomes, imported: RecordTime.text(Date()))
            let stats = reader.stats[.screening]!
            var counts: [String] = []
            for kind in ScreeningOutcome.Kind.allCases {
                let n = outcomes.filter { $0.outcome == kind }.count
                if n > 0 { counts.append("\(kind.rawValue) \(n)") }
            }
            return "imported \(outcomes.count) screening outcome(s)\(counts.isEmpty ? "" : " (" + counts.joined(separator: ", ") + ")"); "
                + "\(stats.rejected) rejected (see \(folder.finalPath("screening-rejects.csv")))"
        } catch {
            folder.abandon()
            throw error
        }
    }
}

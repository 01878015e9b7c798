import Allocate
import CaseCore
import Digest
import Facts
import Foundation
import Ingest
import Monitoring
import Report
import Rules
import Store
import Synchronization

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

    /// How a run fits the list to capacity and what it writes.
    public struct Settings: Sendable {
        /// Percent of each caseload kept for incident patients; nil for the criteria file's.
        public var reservePercent: Int?
        /// Write only this locality's lists (allocation is per locality, so it is unchanged).
        public var locality: String?
        /// Threads for reading the activity files (1 or 2; the result is the same).
        public var threads: Int
        /// Where to write the wall-clock seconds per stage (JSON), outside the output folder.
        public var timingsPath: String?
        /// Show NHS numbers in report.html (only without suppression: the command line refuses both).
        public var identifiable = false
        /// Small-number suppression in report.html and scoping.csv.
        public var disclosure = DisclosurePolicy.hes
        /// Baseline months for report.html's monitoring measures; nil for none.
        public var baseline: ClosedRange<Month>?
        /// Screening timeliness target, in working days.
        public var targetWorkingDays = 2
        /// Keep the fact store until the process exits instead of freeing it when the run
        /// returns (the command line sets this: the process ends next, and freeing millions of
        /// per-patient lists one by one took 0.2 s at 3 million patients).
        public var keepFactsUntilExit = false

        public init(reservePercent: Int? = nil, locality: String? = nil, threads: Int = 2, timingsPath: String? = nil) {
            self.reservePercent = reservePercent
            self.locality = locality
            self.threads = threads
            self.timingsPath = timingsPath
        }
    }

    /// Fact stores kept for the life of the process (`Settings.keepFactsUntilExit`).
    static let keptUntilExit = Mutex<[FactStore]>([])

    /// The state store used when no --state is given: `casefind-state.sqlite` in the output folder.
    public static func defaultStatePath(out: String) -> String { (out as NSString).appendingPathComponent("casefind-state.sqlite") }

    /// `run` (the prevalence trawl) or `incidence` (what cron runs): search, fit to capacity
    /// with the state store's memory, write every output file atomically, then record the run.
    ///
    /// Order of effects: configuration is checked before anything is created (exit 65); the
    /// state store is locked without waiting (exit 75 when another run holds it); every file
    /// is written under a temporary name and renamed once all are written (exit 73 when the
    /// folder cannot be written); the run is recorded in the state store in one transaction,
    /// last. A run killed at any point leaves the store as it was before and no half-written
    /// file in the folder.
    public static func run(
        _ options: SearchOptions, out: String, settings: Settings = Settings(), command: String = "run", statePath: String? = nil,
        progress: RunProgress? = nil
    ) throws -> Outcome {
        let started = Date()
        let incidence = command == "incidence"
        // Configuration first: a configuration error never creates or touches the output folder.
        let configuration = try Pipeline.configure(options)
        if let path = settings.timingsPath { try checkTimingsPath(path) }
        for file in configuration.unreadFiles { progress?.warn(file) }
        let folder = try OutputDirectory(path: out)
        let state: StateStore
        do {
            state = try StateStore(path: statePath ?? defaultStatePath(out: out))
            try state.lock()
            try settle(state, progress: progress)
        } catch {
            // A store that is refused or held by another run leaves no staging folder behind.
            folder.abandon()
            throw error
        }
        var pending: StateStore.PendingRecord?
        var recorded: Int64?
        do {
            let rejects = RejectsFile(handle: try folder.create("rejects.csv"))
            let loaded = try Pipeline.load(configuration, sink: rejects, threads: settings.threads, observer: progress)
            if let map = loaded.bnfMap, let warning = RunSummary.BNFMapUse(map, loaded.reader.stats[.prescriptions]).warning {
                progress?.warn(warning)
            }
            // Nothing after the search reads the patients' activity but the report's measures
            // against a baseline: without one, the search gives its memory back as it goes,
            // and its records take it (at 3 million patients the facts and the records were
            // otherwise most of the run's peak, held at once).
            var result = Pipeline.search(loaded, threads: settings.threads, releasingFacts: settings.baseline == nil)
            try rejects.close()
            let reserve = settings.reservePercent ?? loaded.criteria.reservePercent
            // Patients recorded before they opted out leave the state store now, before the
            // baseline is read, so no output of this run can mention them.
            let forgotten = try forgetOptedOut(loaded, state: state)
            if forgotten.people > 0 {
                progress?.say(
                    "removed \(forgotten.people) opted-out patient(s) from the state store (\(forgotten.onCaseload) on a caseload)")
            }
            let searched = Date()
            var practiceSeconds = 0.0
            let fingerprint = try fingerprint(loaded, command: command, reserve: reserve, watermark: state.screeningWatermark())
            let baseline = try Baseline.load(from: state, fingerprint: fingerprint)
            // Everything the run reads from the state store is read here: from now on the store
            // belongs to the recording, which runs beside the writing of the files.
            let history = try StateHistory.load(state)
            // The search's list is handed over, not copied: placing fills in its statuses.
            let found = result.cases
            result.cases = []
            let placed = Allocator.place(
                consume found, candidates: result.candidates, caseManagers: loaded.caseManagers, memory: baseline.memory,
                reservePercent: reserve, incidence: incidence)
            // By index: count(where:) copied every case it looked at.
            let allocated = placed.cases.indices.count(where: { placed.cases[$0].status == .allocated })
            let waiting = placed.cases.indices.count(where: { placed.cases[$0].status == .waiting })
            // The finish time and timings are filled in when the recording is committed.
            let record = RunRecord(
                command: command, asOf: options.asOf.description, criteriaID: loaded.criteria.id, criteriaSHA256: loaded.criteriaSHA256,
                inputs: inputsJSON(loaded), fingerprint: fingerprint, baselineRunID: baseline.run?.id,
                screeningWatermark: baseline.watermark,
                registered: loaded.store.count + loaded.optOuts.excludedOnSpine, caseFound: placed.cases.count,
                allocated: allocated, waiting: waiting,
                incident: placed.incident.count, started: RecordTime.text(started), finished: "", outcome: "ok", timings: "{}",
                optOutPolicy: loaded.optOuts.policy.description)
            pending = state.beginRecord(record, patients: placed.snapshot(candidates: result.candidates, memory: baseline.memory))
            result.cases = placed.cases
            var cases = placed.cases
            var scoping = loaded.scoping(placed.cases, caseloads: placed.allocation.caseloads)
            var incident = placed.incident
            var lapsed = placed.lapsed
            if let only = settings.locality {
                guard scoping.contains(where: { $0.locality == only }) else {
                    throw ConfigurationError(
                        "--locality '\(only)' is not a locality of these extracts (known: \(scoping.map(\.locality).joined(separator: ", ")))"
                    )
                }
                cases = cases.filter { $0.locality == only }
                scoping = scoping.filter { $0.locality == only }
                incident = incident.filter { $0.row.locality == only }
                lapsed = lapsed.filter { $0.locality == only }
            }
            if incidence { try folder.write("incidence.csv", RunFiles.incidence(incident)) }
            // An incidence run keeps the last `run`'s lists, unless they name a patient it has
            // just forgotten (an opt-out): then it rewrites them from its own placing.
            if !incidence || forgotten.people > 0 {
                try folder.write("cases.csv") { emit in try RunFiles.cases(cases, emit) }
                let managed = Set(placed.allocation.caseloads.map(\.caseManager.locality))
                for file in RunFiles.caseloads(cases, lapsed: lapsed, localities: scoping.map(\.locality), withCaseManagers: managed) {
                    try folder.write("caseloads/\(file.name)", file.bytes)
                }
                try folder.write("scoping.csv", RunFiles.scoping(scoping, disclosure: settings.disclosure))
                try folder.write("exceptions.csv", RunFiles.exceptions(result.exceptions))
                let listsStarted = Date()
                try writePracticeLists(cases, loaded: loaded, threads: settings.threads, to: folder)
                practiceSeconds = Date().timeIntervalSince(listsStarted)
                if settings.locality == nil {
                    folder.replaceWhole("caseloads")
                    folder.replaceWhole("practices")
                }
            }
            try folder.write("lapsed.csv", RunFiles.lapsed(lapsed))
            var attrition = result.attrition
            attrition.append((CaseStatus.allocated.rawValue, allocated))
            attrition.append((CaseStatus.waiting.rawValue, waiting))
            if incidence { attrition.append(("incident", placed.incident.count)) }
            result.attrition = attrition
            try folder.write("attrition.csv", RunFiles.attrition(attrition))
            let page = PlannerReport.page(
                loaded, command: command, attrition: attrition, cases: cases, allCases: placed.cases, scoping: scoping,
                caseloads: placed.allocation.caseloads.filter { settings.locality == nil || $0.caseManager.locality == settings.locality },
                incident: baseline.run == nil ? nil : incident, rejectReasons: rejects.reasons, history: history, settings: settings)
            try folder.write("report.html", Array(page.utf8))
            var timings = loaded.timings
            for (k, v) in result.timings { timings[k] = v }
            timings["place"] = Date().timeIntervalSince(searched)
            // Part of `place`: the practices' lists and workbooks.
            timings["place_practice_lists"] = practiceSeconds
            var summary = makeSummary(
                loaded, result, scoping: scoping, reservePercent: reserve, rejects: rejects, command: command,
                incident: incidence ? placed.incident.count : nil, lapsed: placed.lapsed.count, forgotten: forgotten)
            summary.disclosure = RunSummary.Disclosure(settings.disclosure)
            summary.unreadFiles = configuration.unreadFiles.isEmpty ? nil : configuration.unreadFiles
            try folder.write("summary.json", summary.json())
            // A state store that cannot take the run stops it before the files are committed.
            if let error = pending?.waitUntilInserted() { throw error }
            // Recorded as pending, then the files swapped in, then confirmed: a kill between
            // is settled by the next run (StateStore+Recording.swift).
            let recording = Date()
            let token = OutputDirectory.newRunToken()
            recorded = try pending?.commit(
                finished: RecordTime.text(Date()), timings: timingsJSON(timings),
                awaiting: StateStore.AwaitedFiles(folder: folder.path, token: token))
            var recordSeconds = Date().timeIntervalSince(recording)
            let placement = try folder.commit(runToken: token)
            let written = Date()
            if case .fileByFile(let reason) = placement {
                progress?.warn("the files were renamed into \(out) one by one, not swapped in at once: \(reason)")
            }
            if let id = recorded {
                recorded = nil  // the files are in place: the run stays recorded whatever happens next
                do { try state.confirmFiles(ofRun: id) } catch {
                    progress?.warn("the run's files are in place but its record is still pending (\(error)); the next run confirms it")
                }
            }
            recordSeconds += Date().timeIntervalSince(written)
            if let path = settings.timingsPath {
                timings["record"] = recordSeconds
                timings["total"] = Date().timeIntervalSince(started)
                let written = FileManager.default.createFile(
                    atPath: path, contents: Data(timingsJSON(timings).utf8), attributes: [.posixPermissions: 0o600])
                // The run is committed by now: a timings file that cannot be written is said, not fatal.
                if !written { progress?.warn("cannot write the timings to \(path): the run itself is complete") }
            }
            progress?.say(
                String(
                    format: "placed and wrote the files in %.2f s, recorded the run in %.2f s",
                    written.timeIntervalSince(searched) - recordSeconds, recordSeconds))
            if settings.keepFactsUntilExit { Run.keptUntilExit.withLock { $0.append(loaded.store) } }
            return Outcome(summary: summary, result: result, outputFolder: out)
        } catch {
            pending?.abandon()
            // Recorded as pending but the files never went in: the record goes too.
            if let id = recorded { try? state.discardPendingRun(id) }
            folder.abandon()
            throw error
        }
    }

    /// Settles the runs a kill left pending (StateStore+Recording.swift), saying what it did.
    static func settle(_ state: StateStore, progress: RunProgress?) throws(StateError) {
        let settled = try state.settlePendingRuns { folder, token in OutputDirectory.runToken(in: folder) == token }
        for id in settled.confirmed {
            progress?.say("run \(id) was stopped after its files were in place: it is now recorded as complete")
        }
        for id in settled.discarded {
            progress?.warn("run \(id) was stopped before its files were in place: its record is removed, as its files never appeared")
        }
    }

    /// Removes from the state store everyone this run excludes under the opt-out policy.
    static func forgetOptedOut(_ loaded: LoadedExtracts, state: StateStore) throws(StateError) -> StateStore.Forgotten {
        let optOuts = loaded.optOuts
        let people = loaded.reader.people
        return try state.forget { person in people.lookup(person).map(optOuts.excludes) ?? false }
    }

    /// practices/: each practice's list, import file, Accurx batches and review workbook.
    static func writePracticeLists(_ cases: [CaseRecord], loaded: LoadedExtracts, threads: Int, to folder: OutputDirectory) throws {
        var names: [String: String] = [:]
        for m in loaded.store.caseManagers { if let n = m.name { names[m.id] = n } }
        var settings = PracticeLists.Settings(
            knownPractices: Set(loaded.store.practices.keys), caseManagerNames: names, opaque: loaded.mapping.personID == .opaque,
            workbook: ReviewWorkbook.bytes)
        settings.noRegisteredPractice = loaded.mapping.noRegisteredPractice
        try PracticeLists.write(cases, settings: settings, threads: threads, into: folder)
    }

    /// What makes two runs the same run (hex SHA-256).
    /// `--timings FILE` must be writable where it is: checked before any work, so that a run
    /// does not do everything and then write nothing there (a folder that does not exist).
    static func checkTimingsPath(_ path: String) throws(ConfigurationError) {
        let folder = FilePath.folder(of: path)
        let dir = folder.isEmpty ? "." : folder
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigurationError("--timings \(path): the folder \(dir) does not exist")
        }
        guard access(dir, W_OK) == 0 else { throw ConfigurationError("--timings \(path): the folder \(dir) cannot be written") }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ConfigurationError("--timings \(path) is a folder, not a file")
        }
    }

    static func fingerprint(_ loaded: LoadedExtracts, command: String, reserve: Int, watermark: Int64) -> String {
        var parts = [
            command, loaded.options.asOf.description, loaded.criteriaSHA256, loaded.riskSHA256, loaded.mapping.name, String(reserve),
            String(watermark), loaded.optOuts.policy.description, loaded.ndooClearedSHA256,
        ]
        for kind in ExtractKind.extracts { parts.append(loaded.reader.stats[kind]?.sha256 ?? "-") }
        // Only with a map, so that runs without one keep their fingerprints.
        if let map = loaded.bnfMap { parts.append("bnf_map " + map.sha256) }
        return SHA256Digest.hex(ofText: parts.joined(separator: "\n"))
    }

    static func inputsJSON(_ loaded: LoadedExtracts) -> String {
        let pairs = ExtractKind.extracts.compactMap { kind -> String? in
            guard let s = loaded.reader.stats[kind], s.present else { return nil }
            return "\(quoted(s.fileName)): \"\(s.sha256)\""
        }
        let map = loaded.bnfMap.map { ["\(quoted("bnf_map " + $0.fileName)): \"\($0.sha256)\""] } ?? []
        return "{" + (pairs + map).joined(separator: ", ") + "}"
    }

    /// A JSON string literal (a file name may hold a quote or a backslash).
    static func quoted(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return (try? encoder.encode(text)).flatMap { String(data: $0, encoding: .utf8) } ?? "\"\""
    }

    /// Seconds per stage as a JSON object, to the millisecond, keys sorted.
    static func timingsJSON(_ timings: [String: Double]) -> String {
        "{" + timings.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \(String(format: "%.3f", $0.value))" }.joined(separator: ", ") + "}"
    }

    static func makeSummary(
        _ loaded: LoadedExtracts, _ result: SearchResult, scoping: [ScopingRow], reservePercent: Int, rejects: RejectsFile,
        command: String, incident: Int?, lapsed: Int, forgotten: StateStore.Forgotten = .init(people: 0, onCaseload: 0)
    ) -> RunSummary {
        let inputs = ExtractKind.extracts.compactMap { loaded.reader.stats[$0].map(RunSummary.Input.init) }
        let (perPriority, perLocality) = RunSummary.counts(result.cases)
        var perCriterion: [String: Int] = [:]
        for c in loaded.criteria.criteria {
            perCriterion[c.id] = result.attrition.first { $0.step == c.id }?.patients ?? 0
        }
        let o = loaded.optOuts
        var summary = RunSummary(
            casefindVersion: casefindVersion, command: command, asOf: loaded.options.asOf.description,
            criteria: .init(id: loaded.criteria.id, path: loaded.options.criteriaPath, sha256: loaded.criteriaSHA256),
            mapping: loaded.mapping.name, inputs: inputs, registered: loaded.store.count + o.excludedOnSpine,
            unmappedPractice: result.unmappedPractice, caseFound: result.cases.count, perPriority: perPriority,
            perCriterion: perCriterion, perLocality: perLocality, rejects: rejects.rejects, warnings: rejects.warnings,
            exceptions: result.exceptions.count,
            risk: loaded.risk.map { .init(id: $0.id, path: loaded.criteria.risk!.tablePath, sha256: loaded.riskSHA256) },
            reservePercent: reservePercent, incident: incident, lapsed: lapsed,
            capacity: scoping)
        summary.optOuts = RunSummary.OptOuts(
            policy: o.policy.description, excluded: o.excludedOnSpine, type1: o.excludedOnSpineByType[.type1] ?? 0,
            ndoo: o.excludedOnSpineByType[.ndoo] ?? 0, ndooClearedSHA256: loaded.ndooClearedSHA256.isEmpty ? nil : loaded.ndooClearedSHA256,
            removedFromState: forgotten.people, removedFromCaseloads: forgotten.onCaseload)
        summary.noRegisteredPractice = result.noRegisteredPractice
        summary.bnfMap = loaded.bnfMap.map { RunSummary.BNFMapUse($0, loaded.reader.stats[.prescriptions]) }
        return summary
    }
}

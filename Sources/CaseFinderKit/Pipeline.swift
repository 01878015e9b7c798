import Allocate
import CaseCore
import Digest
import Facts
import Foundation
import Ingest
import Report
import Rules
import Stratify

/// What a search reads and at which date.
public struct SearchOptions: Sendable {
    public var extracts: String
    public var criteriaPath: String
    /// A column mapping file; nil for the contract's own layout.
    public var mappingPath: String?
    public var asOf: Day
    /// `--opt-outs`: overrides the criteria file's `opt_outs:`; without either, both types exclude.
    public var optOuts: OptOutPolicy?
    /// `--ndoo-cleared`: the national data opt-out service's list of NHS numbers that may be
    /// processed; spine patients missing from it are excluded when the policy names ndoo.
    public var ndooClearedPath: String?

    public init(
        extracts: String, criteriaPath: String, mappingPath: String? = nil, asOf: Day, optOuts: OptOutPolicy? = nil,
        ndooClearedPath: String? = nil
    ) {
        self.extracts = extracts
        self.criteriaPath = criteriaPath
        self.mappingPath = mappingPath
        self.asOf = asOf
        self.optOuts = optOuts
        self.ndooClearedPath = ndooClearedPath
    }

    /// The opt-out policy in force: `--opt-outs`, else the criteria file's, else both types.
    public func optOutPolicy(_ criteria: CriteriaSet) -> OptOutPolicy { optOuts ?? criteria.optOuts ?? .default }
}

/// The extracts read into the fact store, with the configuration that read them.
public struct LoadedExtracts {
    public var options: SearchOptions
    public var criteria: CriteriaSet
    public var criteriaSHA256: String
    public var mapping: ColumnMapping
    public var reader: ExtractReader
    public var store: FactStore
    /// The risk model named by the criteria set, if any.
    public var risk: RiskModel?
    /// SHA-256 of the risk table file.
    public var riskSHA256: String
    /// Who was excluded under the opt-out policy, and how many.
    public var optOuts: OptOutRegister
    /// SHA-256 of the `--ndoo-cleared` list ("" without one).
    public var ndooClearedSHA256: String
    public var timings: [String: Double]
}

/// The outcome of applying the criteria to every registered patient.
public struct SearchResult {
    /// Case-found patients, sorted by locality, then allocation order: priority, risk score
    /// (highest first), admissions (most first), NHS number.
    public var cases: [CaseRow]
    /// The same patients as allocation candidates, index for index.
    public var candidates: [Candidate]
    public var exceptions: [ExceptionRow]
    /// The funnel: registered, alive, aged N+, each criterion, any criterion.
    public var attrition: [(step: String, patients: Int)]
    public var unmappedPractice: Int
    public var timings: [String: Double]
}

/// The case-finding pipeline: configuration, ingest, fact store, rules, case list.
public enum Pipeline {
    /// Reads the criteria file and mapping (configuration errors stop here, before any extract
    /// is read), then every extract in dependency order.
    /// - Parameter threads: 1 reads every file in turn; 2 or more read prescriptions on one
    ///   thread while admissions, residence and nominations are read on another. The result,
    ///   rejects.csv included, is the same either way.
    /// - Parameter everyone: keep the activity of patients too young to be case-found
    ///   (`explain` shows it); a run drops it, which saves most of the memory.
    public static func load(
        _ options: SearchOptions, sink: DiagnosticSink, threads: Int = 2, everyone: Bool = false,
        progress: Progress = Progress(style: .quiet)
    ) throws(ConfigurationError) -> LoadedExtracts {
        var timings: [String: Double] = [:]
        var clock = Date()
        func lap(_ name: String) {
            timings[name] = (timings[name] ?? 0) + Date().timeIntervalSince(clock)
            clock = Date()
        }
        let criteria = try CriteriaSet.load(path: options.criteriaPath)
        let criteriaSHA = sha256(ofFile: options.criteriaPath)
        let risk = try criteria.risk.map { r throws(ConfigurationError) in try RiskModel.load(path: r.tablePath, window: r.window) }
        let mapping = try options.mappingPath.map { path throws(ConfigurationError) in try ColumnMapping.load(path: path) } ?? .contract
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: options.extracts, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigurationError("extracts folder '\(options.extracts)' does not exist")
        }
        let optOuts = OptOutRegister(policy: options.optOutPolicy(criteria))
        if let path = options.ndooClearedPath {
            optOuts.setCleared(try ClearedList.read(path: path, personID: mapping.personID))
        }
        lap("configuration")
        let reader = ExtractReader(
            directory: options.extracts, mapping: mapping, missingBefore: criteria.missingBefore,
            caseloadLimits: criteria.caseloadLimits, sink: sink, optOuts: optOuts)
        if progress.style != .quiet { reader.onChunk = { progress.reading($0, bytes: $1, of: $2, rows: $3) } }
        let store = FactStore(
            asOf: options.asOf, prescriptionHorizon: criteria.prescriptionHorizon(options.asOf),
            deathDischargeMethods: criteria.population.deathDischargeMethods)
        if !everyone { store.keepsActivityFromAge = criteria.population.minAge }
        // About 32 bytes a spine row: reserve the index once rather than growing it.
        if let size = (try? FileManager.default.attributesOfItem(atPath: reader.path(of: .patients)))?[.size] as? Int {
            store.reserve(patients: size / 32)
        }
        // Where to cut prescriptions.csv for two threads: found on another core while the spine
        // is read here.
        let cut = PrescriptionCut(
            path: threads > 1 ? reader.path(of: .prescriptions) : nil, delimiter: mapping.file(.prescriptions).delimiter)
        let admissionsCut = PrescriptionCut(
            path: threads > 1 ? reader.path(of: .admissions) : nil, delimiter: mapping.file(.admissions).delimiter)
        // The big activity files are hashed on another core while the spine is read, rather
        // than beside their own parsing, which has both cores.
        var digests: [ExtractKind: FileDigest] = [:]
        if threads > 1 {
            let kinds = [ExtractKind.prescriptions, .admissions].filter { reader.exists($0) }
            digests = Dictionary(uniqueKeysWithValues: zip(kinds, FileDigest.sequence(kinds.map { reader.path(of: $0) })))
        }
        // Configuration and the spine first, on this thread.
        for kind in [ExtractKind.caseManagers, .practices, .localities, .optOuts, .patients] {
            switch kind {
            case .caseManagers: try reader.readCaseManagers(store.add)
            case .practices: try reader.readPractices(store.add)
            case .localities: try reader.readLocalities(store.add)
            case .optOuts: try reader.readOptOuts(into: optOuts)
            default: try reader.readPatients(store.add)
            }
            let s = reader.stats[kind]!
            progress.say(s.present ? "read \(s.fileName): \(s.read) rows, \(s.rejected) rejected" : "no \(s.fileName): no such data")
            lap("read_" + kind.rawValue)
        }
        store.spineComplete()
        // Activity: prescriptions (the big file) on one thread, the rest on another. Their
        // findings are buffered and passed on in file order, so rejects.csv does not depend on
        // the number of threads.
        let activity = ActivityJobs(
            options: options, mapping: mapping, criteria: criteria, store: store, people: reader.people, optOuts: optOuts, sink: sink,
            threads: threads,
            halves: cut.wait(), admissionHalves: admissionsCut.wait(), digests: digests)
        lap("split")
        if progress.style != .quiet {
            for job in activity.jobs { job.reader.onChunk = { progress.reading($0, bytes: $1, of: $2, rows: $3) } }
        }
        try activity.run()
        for job in activity.jobs {
            if let part = job.reader.part, part.start > 0 {
                reader.absorb(job.reader.stats[job.kind]!)
            } else {
                reader.adopt(job.reader)
            }
            timings["read_" + job.kind.rawValue] = max(timings["read_" + job.kind.rawValue] ?? 0, job.seconds)
        }
        for kind in [ExtractKind.prescriptions, .admissions, .residence, .nominations] {
            let s = reader.stats[kind]!
            progress.say(s.present ? "read \(s.fileName): \(s.read) rows, \(s.rejected) rejected" : "no \(s.fileName): no such data")
        }
        return LoadedExtracts(
            options: options, criteria: criteria, criteriaSHA256: criteriaSHA, mapping: mapping, reader: reader, store: store,
            risk: risk, riskSHA256: criteria.risk.map { sha256(ofFile: $0.tablePath) } ?? "", optOuts: optOuts,
            ndooClearedSHA256: options.ndooClearedPath.map { sha256(ofFile: $0) } ?? "", timings: timings)
    }

    /// Everything that can stop a run as a configuration error, checked before any output is
    /// created: the criteria file, the mapping, the extracts folder and its required files,
    /// and case_managers.csv's caseload limits.
    public static func checkConfiguration(_ options: SearchOptions) throws(ConfigurationError) {
        let criteria = try CriteriaSet.load(path: options.criteriaPath)
        if let r = criteria.risk { _ = try RiskModel.load(path: r.tablePath, window: r.window) }
        let mapping = try options.mappingPath.map { path throws(ConfigurationError) in try ColumnMapping.load(path: path) } ?? .contract
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: options.extracts, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigurationError("extracts folder '\(options.extracts)' does not exist")
        }
        let reader = ExtractReader(
            directory: options.extracts, mapping: mapping, missingBefore: criteria.missingBefore,
            caseloadLimits: criteria.caseloadLimits, sink: DiagnosticCollector())
        for kind in ExtractKind.extracts where kind.isRequired && !reader.exists(kind) {
            throw ConfigurationError("required extract \(reader.path(of: kind)) is missing")
        }
        if let path = options.ndooClearedPath { _ = try ClearedList.read(path: path, personID: mapping.personID) }
        try reader.readCaseManagers { _ in .accepted }
    }

    /// Applies the criteria to every registered patient.
    public static func search(_ loaded: LoadedExtracts, threads: Int = 2) -> SearchResult {
        let start = Date()
        let criteria = loaded.criteria
        let evaluator = Evaluator(criteria: criteria, asOf: loaded.options.asOf)
        let store = loaded.store
        let minAge = criteria.population.minAge
        let careHomeIDs = Set(criteria.criteria.filter { if case .careHome = $0.kind { true } else { false } }.map(\.id))
        let nominationIDs = Set(criteria.criteria.filter { $0.kind == .nomination }.map(\.id))

        /// What one slice of the spine gives.
        final class Part: @unchecked Sendable {
            var alive = 0
            var old = 0
            var perCriterion: [Int]
            var cases: [CaseRow] = []
            var candidates: [Candidate] = []
            var exceptions: [ExceptionRow] = []
            var unmapped = 0
            init(criteria: Int) { perCriterion = Array(repeating: 0, count: criteria) }
        }
        let people = loaded.reader.people
        let risk = loaded.risk
        let asOf = loaded.options.asOf
        // Practices looked up once per distinct code, not once per patient; only the case-found
        // copy a practice row (its strings): a copy per patient cost a tenth of the search.
        let practiceOf = store.spineTexts.map { store.practices[$0] }
        let mapped = practiceOf.map { $0 != nil }
        @Sendable func evaluate(_ range: Range<Int>, into part: Part) {
            for i in range {
                let practiceNumber = store.practiceNumber(at: i)
                if !mapped[practiceNumber] { part.unmapped += 1 }
                // Most of the spine is under the minimum age: count it without building its facts.
                let screen = store.screen(at: i, asOf: asOf, minAge: minAge)
                if screen.nothingMore {
                    if screen.alive { part.alive += 1 }
                    continue
                }
                let p = store.patient(at: i)
                let e = evaluator.evaluate(p)
                if e.alive { part.alive += 1 }
                if e.eligible { part.old += 1 }
                if !e.eligible {
                    if e.nominatedByDate {
                        let nhs = people.display(p.person)
                        if let death = e.death {
                            part.exceptions.append(ExceptionRow(nhsNumber: nhs, reason: "dead", detail: "nominated, but \(death)"))
                        } else {
                            part.exceptions.append(
                                ExceptionRow(
                                    nhsNumber: nhs, reason: "under_\(minAge)", detail: "nominated, but aged \(e.age) at \(asOf)"))
                        }
                    }
                    continue
                }
                for (k, r) in e.results.enumerated() where r.met { part.perCriterion[k] += 1 }
                guard let priority = e.priority else { continue }
                let met = e.criteriaMet
                let practice = practiceOf[practiceNumber]
                var row = CaseRow(
                    nhsNumber: people.display(p.person), practice: p.practice, pct: practice?.pct ?? "",
                    locality: practice?.locality ?? "UNMAPPED", age: e.age, priority: priority, criteria: met.map(\.id),
                    frailtyCodes: e.matchedCodes.map(\.description), admissions: e.admissions, distinctDrugs: e.distinctDrugs,
                    careHome: met.contains { careHomeIDs.contains($0.id) }, nominated: met.contains { nominationIDs.contains($0.id) })
                row.dateOfBirth = p.dateOfBirth
                row.reasons = evaluator.plainReasons(p, evaluation: e)
                var riskTenths = 0
                if let risk {
                    let score = risk.score(p, evaluator: evaluator).score
                    riskTenths = score.value
                    row.riskScore = score.description
                    row.riskBand = risk.band(score)
                }
                if PracticeLists.placeholders.contains(p.practice) {
                    part.exceptions.append(
                        ExceptionRow(
                            nhsNumber: row.nhsNumber, reason: "no_registered_practice",
                            detail:
                                "case-found, but registered at \(p.practice), which stands for no registered practice: on no practice list")
                    )
                }
                part.cases.append(row)
                part.candidates.append(
                    Candidate(
                        key: row.nhsNumber, locality: row.locality, priority: priority, riskTenths: riskTenths, admissions: e.admissions))
            }
        }
        // The criteria are pure: halves of the spine are evaluated on separate threads and
        // joined in order, so the result does not depend on the number of threads.
        let slices = max(1, min(threads, 2))
        let parts = (0..<slices).map { _ in Part(criteria: criteria.criteria.count) }
        let n = store.count
        if slices == 1 {
            evaluate(0..<n, into: parts[0])
        } else {
            DispatchQueue.concurrentPerform(iterations: slices) { k in
                evaluate((n * k / slices)..<(n * (k + 1) / slices), into: parts[k])
            }
        }
        var alive = 0
        var old = 0
        var perCriterion = [Int](repeating: 0, count: criteria.criteria.count)
        var cases: [CaseRow] = []
        var candidates: [Candidate] = []
        var exceptions: [ExceptionRow] = []
        var unmapped = 0
        for part in parts {
            alive += part.alive
            old += part.old
            for k in perCriterion.indices { perCriterion[k] += part.perCriterion[k] }
            cases += part.cases
            candidates += part.candidates
            exceptions += part.exceptions
            unmapped += part.unmapped
        }
        let order = candidates.indices.sorted { a, b in
            candidates[a].locality != candidates[b].locality
                ? candidates[a].locality < candidates[b].locality : Candidate.precedes(candidates[a], candidates[b])
        }
        cases = order.map { cases[$0] }
        candidates = order.map { candidates[$0] }
        exceptions.sort { ($0.nhsNumber, $0.reason) < ($1.nhsNumber, $1.reason) }
        // Patients excluded under the opt-out policy were registered, and are counted, nothing more.
        let optedOut = loaded.optOuts.excludedOnSpine
        var attrition: [(String, Int)] = [
            ("registered", store.count + optedOut), ("opted_out", optedOut), ("alive", alive), ("aged_\(minAge)_plus", old),
        ]
        for (i, c) in criteria.criteria.enumerated() { attrition.append((c.id, perCriterion[i])) }
        attrition.append(("any_criterion", cases.count))
        return SearchResult(
            cases: cases, candidates: candidates, exceptions: exceptions, attrition: attrition, unmappedPractice: unmapped,
            timings: ["search": Date().timeIntervalSince(start)])
    }

    /// Lowercase hex SHA-256 of a text's UTF-8 bytes.
    public static func sha256(ofText text: String) -> String {
        SHA256Digest.hex(Array(text.utf8))
    }

    /// Lowercase hex SHA-256 of a file's bytes ("" when unreadable).
    public static func sha256(ofFile path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return SHA256Digest.hex(Array(data))
    }
}

import CaseCore
import Digest
import Facts
import Foundation
import Ingest
import Rules
import Stratify

/// The case-finding pipeline: configuration, ingest, fact store, rules, case list.
public enum Pipeline {
    /// Reads the configuration, each file once: the criteria file, the risk table, the mapping,
    /// the `--ndoo-cleared` list and case_managers.csv (whose caseload limits are configuration
    /// errors). Every configuration error stops here, before any output exists.
    /// - Parameter everyone: keep the activity of patients too young to be case-found
    ///   (`explain` shows it); a run drops it, which saves most of the memory.
    /// - Parameter requireExtracts: check that every required extract is there (a run does; an
    ///   explain or validate finds out when it reads the file).
    public static func configure(
        _ options: SearchOptions, everyone: Bool = false, requireExtracts: Bool = true
    ) throws(ConfigurationError) -> Configuration {
        let start = Date()
        let criteria = try CriteriaSet.load(path: options.criteriaPath)
        let risk = try criteria.risk.map { r throws(ConfigurationError) in try RiskModel.load(path: r.tablePath, window: r.window) }
        let mapping = try options.mappingPath.map { path throws(ConfigurationError) in try ColumnMapping.load(path: path) } ?? .contract
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: options.extracts, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigurationError("extracts folder '\(options.extracts)' does not exist")
        }
        let optOuts = OptOutRegister(policy: options.optOutPolicy(criteria))
        let bnfMap = try (options.bnfMapPath ?? mapping.bnfMapPath).map { path throws(ConfigurationError) in
            try BNFMap.load(path: path, columns: mapping.bnfMapColumns)
        }
        let extracts = ExtractSetReader(
            directory: options.extracts, mapping: mapping, missingBefore: criteria.missingBefore,
            caseloadLimits: criteria.caseloadLimits, optOuts: optOuts)
        extracts.bnfMap = bnfMap
        extracts.maxRecordBytes = options.maxRecordBytes
        // How each extract was delivered: one delivered twice, or a folder of parts with none,
        // stops the run here, and so does a required extract delivered not at all.
        for kind in ExtractKind.extracts {
            let delivery = try extracts.delivery(of: kind)
            if requireExtracts && kind.isRequired && delivery == nil {
                throw ConfigurationError(
                    "required extract \(extracts.path(of: kind)) is missing (nor is there a .gz of it or a folder of its parts)")
            }
        }
        // A header without a required column stops the run now, not once reading has begun.
        try extracts.checkHeaders()
        if let path = options.ndooClearedPath {
            optOuts.setCleared(try ClearedList.read(path: path, personID: mapping.personID))
        }
        let store = FactStore(
            asOf: options.asOf, prescriptionHorizon: criteria.prescriptionHorizon(options.asOf),
            deathDischargeMethods: criteria.population.deathDischargeMethods)
        if !everyone { store.keepsActivityFromAge = criteria.population.minAge }
        let configured = Date()
        try extracts.readConfiguration(into: store)
        var configuration = Configuration(
            options: options, criteria: criteria, criteriaSHA256: SHA256Digest.hex(ofFile: options.criteriaPath), mapping: mapping,
            risk: risk,
            riskSHA256: criteria.risk.map { SHA256Digest.hex(ofFile: $0.tablePath) } ?? "", optOuts: optOuts,
            ndooClearedSHA256: options.ndooClearedPath.map { SHA256Digest.hex(ofFile: $0) } ?? "", bnfMap: bnfMap, store: store,
            extracts: extracts, seconds: configured.timeIntervalSince(start))
        configuration.unreadFiles = extracts.unreadFiles()
        return configuration
    }

    /// Reads every extract into the configuration's fact store.
    /// - Parameter threads: 1 reads every file in turn; 2 or more read the big activity files
    ///   in halves on two threads. The result, rejects.csv included, is the same either way.
    public static func load(
        _ configuration: Configuration, sink: DiagnosticSink, threads: Int = 2, observer: ReadingObserver? = nil
    ) throws(ConfigurationError) -> LoadedExtracts {
        let c = configuration
        let reader = try c.extracts.read(into: c.store, sink: sink, threads: threads, observer: observer)
        var timings = c.extracts.timings
        timings["configuration"] = c.seconds
        return LoadedExtracts(configuration: c, reader: reader, timings: timings)
    }

    /// `configure`, then `load`: for the commands that write nothing before reading
    /// (`explain`, `validate`).
    public static func load(
        _ options: SearchOptions, sink: DiagnosticSink, threads: Int = 2, everyone: Bool = false
    ) throws(ConfigurationError) -> LoadedExtracts {
        try load(configure(options, everyone: everyone, requireExtracts: false), sink: sink, threads: threads)
    }
}

import Facts
import Ingest
import Rules
import Stratify

/// A run's configuration, each file parsed once, with the fact store holding the case managers.
public struct Configuration {
    public var options: SearchOptions
    public var criteria: CriteriaSet
    public var criteriaSHA256: String
    public var mapping: ColumnMapping
    /// The risk model named by the criteria set, if any.
    public var risk: RiskModel?
    /// SHA-256 of the risk table file.
    public var riskSHA256: String
    /// The opt-out policy, with the `--ndoo-cleared` list when one was given.
    public var optOuts: OptOutRegister
    /// SHA-256 of the `--ndoo-cleared` list ("" without one).
    public var ndooClearedSHA256: String
    /// NHSBSA's BNF SNOMED mapping (`--bnf-map` or the mapping's `bnf_map`), if one was given.
    public var bnfMap: BNFMap?
    public var store: FactStore
    var extracts: ExtractSetReader
    /// Files in the extracts folder that look like extracts but are not read (a `.zip`, a
    /// `.bz2`, `admissions.txt`): each a sentence, for a warning and summary.json.
    public var unreadFiles: [String] = []
    /// Seconds spent parsing the configuration files.
    var seconds: Double
}

/// The extracts read into the fact store, with the configuration that read them: its fields
/// (`loaded.criteria`, `loaded.store` ...) read through to the configuration.
@dynamicMemberLookup
public struct LoadedExtracts {
    public var configuration: Configuration
    /// Every extract's statistics and the run's person keys.
    public var reader: ExtractReader
    /// Seconds per configuration and reading stage.
    public var timings: [String: Double]

    public subscript<T>(dynamicMember field: KeyPath<Configuration, T>) -> T { configuration[keyPath: field] }
}

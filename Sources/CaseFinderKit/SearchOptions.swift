import CaseCore
import Ingest
import Rules

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
    /// `--bnf-map`: NHSBSA's BNF SNOMED mapping, overriding the mapping file's `bnf_map`.
    public var bnfMapPath: String?
    /// `--max-record-bytes`: the longest record read; a longer one is rejected unread.
    public var maxRecordBytes = CSVStreamParser.defaultMaxRecordBytes

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

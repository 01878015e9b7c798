import CaseCore

extension ClearedList {
    /// What a request to the national opt-out check sends: the spine's distinct valid NHS
    /// numbers, in file order.
    public struct SpineNumbers: Sendable {
        public var numbers: [UInt64]
        /// Spine rows not sent: rejected (invalid NHS number, missing field...).
        public var rejected: Int
        /// Numbers seen again after their first row, sent once.
        public var repeated: Int
    }

    /// Reads patients.csv in `extracts` for a request. The check needs NHS numbers: a mapping
    /// with opaque person keys, or no spine, is a configuration error.
    public static func spineNumbers(extracts: String, mapping: ColumnMapping) throws(ConfigurationError) -> SpineNumbers {
        guard mapping.personID == .nhsNumber else {
            throw ConfigurationError("the national data opt-out check needs NHS numbers; the mapping uses opaque person keys")
        }
        let reader = ExtractReader(directory: extracts, mapping: mapping, sink: DiagnosticCollector())
        guard reader.exists(.patients) else { throw ConfigurationError("required extract \(reader.path(of: .patients)) is missing") }
        var numbers: [UInt64] = []
        var seen = Set<UInt64>()
        var repeated = 0
        try reader.readPatients { row in
            if seen.insert(row.person).inserted { numbers.append(row.person) } else { repeated += 1 }
            return .accepted
        }
        return SpineNumbers(numbers: numbers, rejected: reader.stats[.patients]?.rejected ?? 0, repeated: repeated)
    }
}

import CaseCore
import Ingest

extension RunSummary.Input {
    /// One extract's line in summary.json, from what reading it found.
    public init(_ s: FileStats) {
        self.init(
            file: s.fileName, present: s.present, sha256: s.present ? s.sha256 : nil, bytes: s.bytes, read: s.read,
            accepted: s.accepted, rejected: s.rejected, unregistered: s.unregistered, warnings: s.warnings, optedOut: s.optedOut)
        if !s.parts.isEmpty {
            parts = s.parts.map(Self.init)
        }
    }
}

extension RunSummary {
    /// The BNF map a run read dm+d ids through, and what it did not map: summary.json's
    /// `bnf_map`, so a list can be traced to the BNF version it used.
    public struct BNFMapUse: Codable, Sendable, Equatable {
        public struct Unmapped: Codable, Sendable, Equatable {
            public var dmdCode: String
            public var rows: Int
            enum CodingKeys: String, CodingKey { case dmdCode = "dmd_code", rows }
        }
        public var file: String
        public var sha256: String
        public var bytes: Int
        /// SNOMED ids the map gives a BNF code.
        public var ids: Int
        public var rowsWithoutBNFCode: Int
        /// Accepted prescription rows read by dm+d id, mapped or not.
        public var dmdRows: Int
        public var unmappedRows: Int
        /// Ids not in the map with their rows, most rows first, then by id.
        public var unmapped: [Unmapped]

        public init(_ map: BNFMap, _ prescriptions: FileStats?) {
            file = map.fileName
            sha256 = map.sha256
            bytes = map.bytes
            ids = map.ids
            rowsWithoutBNFCode = map.rowsWithoutBNFCode
            dmdRows = prescriptions?.dmdRows ?? 0
            let counted = (prescriptions?.unmappedDMD ?? [:]).sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            unmappedRows = counted.reduce(0) { $0 + $1.value }
            unmapped = counted.map { Unmapped(dmdCode: String($0.key), rows: $0.value) }
        }

        /// The run's warning when some ids were not in the map; nil when every id was.
        public var warning: String? {
            if dmdRows == 0 {
                return "the BNF map \(file) was given, but no prescription row was read by dm+d id (a dmd_code column with bnf_code blank)"
            }
            guard unmappedRows > 0 else { return nil }
            return
                "\(unmappedRows) prescription row(s) carry \(unmapped.count) dm+d id(s) that \(file) gives no BNF code: kept, counted as no drug (summary.json bnf_map.unmapped lists them)"
        }

        enum CodingKeys: String, CodingKey {
            case file, sha256, bytes, ids, rowsWithoutBNFCode = "rows_without_bnf_code", dmdRows = "dmd_rows"
            case unmappedRows = "unmapped_rows", unmapped
        }
    }

    /// Case-found patients per priority ("1", "2" ...) and per locality.
    public static func counts(_ cases: [CaseRecord]) -> (perPriority: [String: Int], perLocality: [String: Int]) {
        var perPriority: [String: Int] = [:]
        var perLocality: [String: Int] = [:]
        // By index: a case taken out of the list is a copy.
        for k in cases.indices {
            perPriority[String(cases[k].priority), default: 0] += 1
            perLocality[cases[k].locality, default: 0] += 1
        }
        return (perPriority, perLocality)
    }
}

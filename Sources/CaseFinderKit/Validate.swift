import CaseCore
import Ingest

/// `casefind validate`: read everything, write nothing, find what would be rejected.
public enum Validate {
    public struct Findings {
        public var diagnostics: [Diagnostic]
        /// Every extract's statistics, in contract order.
        public var stats: [FileStats]
        /// The BNF map dm+d ids were read through, if one was given.
        public var bnfMap: BNFMap?
    }

    public static func validate(_ options: SearchOptions) throws(ConfigurationError) -> Findings {
        let sink = DiagnosticCollector()
        let loaded = try Pipeline.load(options, sink: sink)
        return Findings(
            diagnostics: sink.diagnostics, stats: ExtractKind.extracts.compactMap { loaded.reader.stats[$0] }, bnfMap: loaded.bnfMap)
    }
}

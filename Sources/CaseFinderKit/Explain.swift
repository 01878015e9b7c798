import CaseCore
import Ingest
import Stratify

/// `casefind explain`: every rule for one patient and why it did or did not hold.
public enum Explain {
    /// Text for a person identifier typed by the user; loads every extract (rejects are
    /// counted, not written).
    public static func explain(_ identifier: String, _ options: SearchOptions) throws(ConfigurationError) -> String {
        let sink = DiagnosticCollector()
        let loaded = try Pipeline.load(options, sink: sink, everyone: true)
        guard let key = loaded.reader.people.lookup(identifier) else {
            return "\(identifier) is not a valid NHS number (10 digits with a Modulus 11 check digit)"
        }
        if loaded.optOuts.excludes(key) {
            return "this patient is excluded under the opt-out policy (\(loaded.optOuts.policy)): their data is not processed"
        }
        let shown = loaded.reader.people.display(key)
        guard let p = loaded.store.patient(key) else {
            return "\(shown) is not on the spine (patients.csv): only registered patients can be case-found"
        }
        return PatientExplanation.text(
            p, shown: shown, practice: loaded.store.practices[p.practice], criteria: loaded.criteria, risk: loaded.risk,
            asOf: loaded.options.asOf)
    }
}

import CaseCore
import ConfigFile
import Facts

/// One kind of criterion (`kind:` in a criteria file), each in its own file under Kinds/: how
/// its fields are read from the file, how it is tested for a patient and why, and how it reads
/// on a practice list.
///
/// A new kind is a file under Kinds/ with a type conforming to this, and, in
/// CriterionKind.swift, its case of ``CriterionKind``, its line in `rule` and its entry in
/// `kinds`.
protocol CriterionRule: Sendable {
    /// The `kind:` that names it in a criteria file.
    static var kindName: String { get }

    /// Reads the kind's own fields of a criterion (id, rank, label and kind are read already;
    /// the caller checks that no key is left over).
    static func parse(_ c: YAMLMap) throws(ConfigurationError) -> CriterionKind

    /// Whether the criterion holds for the patient at the context's as-of date. Each piece of
    /// evidence looked at goes to `notes` (kept only when explaining); codes that make it hold
    /// go to `notes.matchedCodes`.
    func evaluate(_ p: PatientFacts, in context: EvaluationContext, notes: inout CriterionNotes) -> Bool

    /// For a patient who met it: its phrase in a practice list's `reasons` column.
    func plainReason(_ p: PatientFacts, in context: EvaluationContext) -> String
}

/// What testing one criterion for one patient writes down: the reasons, one line per piece of
/// evidence looked at (only when explaining, so a run builds no text and allocates no array),
/// and the diagnosis codes that made it hold.
struct CriterionNotes {
    let explaining: Bool
    private(set) var reasons: [String] = []
    /// The codes behind a diagnosis criterion that held (cases.csv `frailty_codes`).
    var matchedCodes: Set<ICD10Code> = []

    init(explaining: Bool) { self.explaining = explaining }

    /// Writes a reason when explaining; the text is not built otherwise.
    mutating func add(_ text: @autoclosure () -> String) {
        if explaining { reasons.append(text()) }
    }
}

import Rules

/// What one kind of criterion contributes to the query: its steps, and what the rest of the
/// query needs to know about them. Each kind is one type in its own file in `Kinds/`; the
/// assembly (`WarehouseSQL+Query.swift`) asks only this protocol.
///
/// A new kind is a new file here with a type that conforms, and its case in
/// `WarehouseSQL.criterionSQL(for:)` below (the switch is exhaustive, so the compiler asks for
/// the case when Rules gains the kind).
protocol CriterionSQL: Sendable {
    /// The criterion's steps, in order (at least one). The one named `name` has a column `nhs`
    /// with the patients who meet the criterion (repeats, and patients outside the population,
    /// are harmless: `evaluated` takes the distinct patients it has in the population); other
    /// steps are named `name` and a suffix. The assembly puts the comment line naming the
    /// criterion (id, rank, label) above the first.
    func ctes(named name: String, in sql: WarehouseSQL) -> [CTE]

    /// Whether the steps read `admission_codes` (see `WarehouseSQL+AdmissionCodes.swift`).
    var readsAdmissionCodes: Bool { get }

    /// Whether the step named `name` also has a column `code`: the codes that met the
    /// criterion, reported in cases.csv frailty_codes.
    var reportsCodes: Bool { get }

    /// The cases.csv Y/N column that meeting the criterion sets, if any.
    var flag: CaseFlag? { get }
}

extension CriterionSQL {
    var readsAdmissionCodes: Bool { false }
    var reportsCodes: Bool { false }
    var flag: CaseFlag? { nil }
}

/// The cases.csv Y/N columns, each Y when a criterion that sets it is met.
enum CaseFlag: Sendable, CaseIterable {
    /// care_home
    case careHome
    /// nominated
    case nominated
}

extension WarehouseSQL {
    /// The SQL for a criterion's kind: the one place that names every kind.
    static func criterionSQL(for kind: CriterionKind) -> any CriterionSQL {
        switch kind {
        case .diagnosis(let window, let codes):
            return DiagnosisSQL(window: window, codes: codes)
        case .admissions(let window, let minCount):
            return AdmissionsSQL(window: window, minCount: minCount)
        case .careHome(let register, let window, let sources, let destinations):
            return CareHomeSQL(register: register, window: window, admissionSources: sources, dischargeDestinations: destinations)
        case .polypharmacy(let window, let minDistinct, let chapters):
            return PolypharmacySQL(window: window, minDistinct: minDistinct, chapters: chapters)
        case .nomination:
            return NominationSQL()
        case .conditions(let window, let minGroups, let groups):
            return ConditionsSQL(window: window, minGroups: minGroups, groups: groups)
        }
    }
}

import CaseCore

/// One hospital spell of a patient: the episodes that share a spell_id, merged.
///
/// The store keeps what was observed and decides nothing: which spells are admissions, which
/// are transfers and which codes matter is for the criteria to say.
public struct SpellFacts: Sendable {
    public var id: String
    /// The earliest admission_date of its episodes.
    public var admissionDate: Day
    /// The latest discharge_date of its episodes; nil while the spell is open.
    public var dischargeDate: Day?
    /// Episode rows merged into it (an exact duplicate row counts here but changes nothing else).
    public var episodes: Int {
        get { Int(episodeCount) }
        set { episodeCount = Int32(clamping: newValue) }
    }
    /// First physical line of the spell in admissions.csv.
    public var line: Int {
        get { Int(firstLine) }
        set { firstLine = Int32(clamping: newValue) }
    }
    // Held in 32 bits: the fact store keeps a spell for every admission of every patient who
    // could be case-found.
    private var episodeCount: Int32
    private var firstLine: Int32
    /// Distinct codes seen on its episodes; `classifications` holds a zero code for a blank one.
    public var admissionMethods: CodeSet { codes.set(.admissionMethod) }
    public var classifications: CodeSet { codes.set(.classification) }
    public var admissionSources: CodeSet { codes.set(.admissionSource) }
    public var dischargeDestinations: CodeSet { codes.set(.dischargeDestination) }
    var codes = SpellCodes()
    /// Distinct normalised diagnosis codes from every position of every episode.
    public var diagnoses: [ICD10Code] = []

    init(id: String, admissionDate: Day, dischargeDate: Day?, episodes: Int, line: Int) {
        self.id = id
        self.admissionDate = admissionDate
        self.dischargeDate = dischargeDate
        episodeCount = Int32(clamping: episodes)
        firstLine = Int32(clamping: line)
    }
}

/// A nomination as read.
public struct NominationFacts: Sendable {
    public var date: Day
    public var by: String?
    public var line: Int
}

/// A care-home register entry as read.
public struct ResidenceFacts: Sendable {
    public var careHomeCode: String
    public var from: Day
    public var to: Day?
    public var line: Int
}

/// Everything known about one registered patient.
public struct PatientFacts: Sendable {
    public var person: UInt64
    /// Line on the spine (patients.csv).
    public var line: Int
    public var dateOfBirth: Day
    public var dateOfDeath: Day?
    public var sex: String?
    /// Upper-cased ODS practice code.
    public var practice: String
    /// The earliest discharge date of an episode whose discharge method means death.
    public var hospitalDeath: Day?
    public var spells: [SpellFacts] = []
    /// Each distinct substance with its latest issue date inside the prescription horizon.
    public var substances: [SubstanceIssue] = []
    public var residences: [ResidenceFacts] = []
    public var nominations: [NominationFacts] = []
}

/// A substance and its latest issue, in 12 bytes rather than a tuple's 16: the fact store holds
/// one for every distinct drug of every patient who could be case-found (about six million at
/// 3 million registered).
public struct SubstanceIssue: Sendable, Equatable {
    private var low: UInt32
    private var high: UInt32
    private var issued: Int32

    public init(_ substance: Substance, lastIssued: Day) {
        low = UInt32(truncatingIfNeeded: substance.packed)
        high = UInt32(truncatingIfNeeded: substance.packed >> 32)
        issued = lastIssued.ordinal
    }

    public var substance: Substance { Substance(packed: UInt64(high) << 32 | UInt64(low)) }
    public var lastIssued: Day {
        get { Day(ordinal: issued) }
        set { issued = newValue.ordinal }
    }
}

import CaseCore

/// One spine row, compact: 28 bytes (the person key in two halves, so that nothing needs
/// 8-byte alignment). Text (sex, practice) is interned.
struct SpineEntry {
    private var personLow: UInt32
    private var personHigh: UInt32
    var line: Int32
    var dateOfBirth: Day
    /// Day ordinal, or Int32.min when none.
    var dateOfDeath: Int32
    var practice: Int32
    var sex: Int32

    init(person: UInt64, line: Int32, dateOfBirth: Day, dateOfDeath: Int32, practice: Int32, sex: Int32) {
        personLow = UInt32(truncatingIfNeeded: person)
        personHigh = UInt32(truncatingIfNeeded: person >> 32)
        self.line = line
        self.dateOfBirth = dateOfBirth
        self.dateOfDeath = dateOfDeath
        self.practice = practice
        self.sex = sex
    }

    var person: UInt64 { UInt64(personHigh) << 32 | UInt64(personLow) }
}

import CaseCore

/// One spine row, compact: 32 bytes. Text (sex, practice) is interned.
struct SpineEntry {
    var person: UInt64
    var line: Int32
    var dateOfBirth: Day
    /// Day ordinal, or Int32.min when none.
    var dateOfDeath: Int32
    var practice: Int32
    var sex: Int32
}

import CaseCore
import Facts

/// What counts as an emergency admission, in one place: a spell with an emergency HES
/// admission method (ADMIMETH) on any of its episodes.
///
/// The emergency methods are 21 (via A&E), 22 (via GP), 23 (via bed bureau), 24 (via
/// consultant clinic), 25 (via mental health crisis team), 28 (other means), 2A (A&E of another
/// provider), 2B (emergency transfer from another provider), 2C (baby born at home as intended)
/// and 2D (other emergency). Elective (11-13), maternity (31, 32) and other (81-83) methods
/// are not.
public enum EmergencyAdmission {
    /// The emergency admission methods.
    public static let methods: Set<ShortCode> = Set(
        ["21", "22", "23", "24", "25", "28", "2A", "2B", "2C", "2D"].compactMap { ShortCode($0) })

    /// Whether an admission method is an emergency one.
    public static func isEmergency(method: ShortCode) -> Bool { methods.contains(method) }

    /// Whether a spell is an emergency admission: any of its episodes has an emergency method.
    public static func isEmergency(_ spell: SpellFacts) -> Bool {
        spell.admissionMethods.contains { methods.contains($0) }
    }
}

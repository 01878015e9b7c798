/// Practice codes that stand for "no registered practice" (SUS and HES use V81997, V81998 and
/// V81999): a patient registered at one is on no practice's list.
public enum PlaceholderPractice {
    public static let codes: Set<String> = ["V81997", "V81998", "V81999"]
}

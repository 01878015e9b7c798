import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The times the state store records (a run's start and finish, a screening import).
public enum RecordTime {
    /// RFC 3339 in UTC to the millisecond, as ISO8601DateFormatter's internet date-time with
    /// fractional seconds writes it ("2026-11-22T02:30:00.125Z"), without building a formatter
    /// (which loads time zone data: about 20 ms a run).
    public static func text(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(ms >= 0 ? ms / 1000 : (ms - 999) / 1000)
        var t = tm()
        gmtime_r(&seconds, &t)
        let millis = Int(ms - Int64(seconds) * 1000)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(1900 + t.tm_year)-\(two(t.tm_mon + 1))-\(two(t.tm_mday))T\(two(t.tm_hour)):\(two(t.tm_min)):\(two(t.tm_sec)).\(fraction)Z"
    }
}

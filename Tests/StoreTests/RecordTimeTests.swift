import Foundation
import Store
import Testing

/// The run's started and finished times (state store, summary.json) are written without a
/// date formatter: they must read exactly as ISO8601DateFormatter's internet date-time with
/// fractional seconds would write them.
@Suite struct RecordTimeTests {
    @Test func matchesTheISO8601Formatter() {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        // Whole milliseconds (plus a fraction of one, so that the binary value is not just
        // under the millisecond), around the epoch, a 29 February, a year end, and today.
        var dates = [0.0, 0.0004, 59.9994, 951_782_400.5, 1_709_164_799.999_4, 1_798_761_599.123_4, 4_102_444_800.0004]
        var seed: UInt64 = 11
        for _ in 0..<2_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            dates.append(Double((seed >> 1) % 4_102_444_800_000) / 1000 + 0.0004)
        }
        for t in dates {
            let date = Date(timeIntervalSince1970: t)
            #expect(RecordTime.text(date) == f.string(from: date), "\(t)")
        }
        #expect(RecordTime.text(Date(timeIntervalSince1970: 1_709_164_800.0004)) == "2024-02-29T00:00:00.000Z")
    }
}

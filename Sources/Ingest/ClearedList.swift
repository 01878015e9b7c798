import CaseCore
import Foundation

/// The national data opt-out round trip (the Check for National Data Opt-outs service, over
/// MESH): the request is the spine's NHS numbers, one a line with a trailing comma and LF line
/// ends; the service returns the same layout holding only the numbers that may be processed.
public enum ClearedList {
    /// Reads the list the service returned: one NHS number a line, a trailing comma optional,
    /// LF or CRLF, blank lines ignored. A line that is not a valid NHS number is a configuration
    /// error naming the file and line (never the value: it is a patient's number).
    public static func read(path: String, personID: ColumnMapping.PersonID) throws(ConfigurationError) -> [UInt64] {
        guard personID == .nhsNumber else {
            throw ConfigurationError(
                "--ndoo-cleared lists NHS numbers, but the mapping uses opaque person keys: apply the national data opt-out before pseudonymising"
            )
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("cannot read the national data opt-out cleared list \(path)")
        }
        var numbers: [UInt64] = []
        var line = 0
        var ok = true
        var badLine = 0
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            var i = 0
            // Skip a UTF-8 byte order mark.
            if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { start = 3 }
            i = start
            while ok && start < bytes.count {
                while i < bytes.count && bytes[i] != 10 { i += 1 }
                line += 1
                var end = i
                while end > start && (bytes[end - 1] == 13 || bytes[end - 1] == 32 || bytes[end - 1] == 9) { end -= 1 }
                if end > start && bytes[end - 1] == 44 { end -= 1 }
                var first = start
                while first < end && (bytes[first] == 32 || bytes[first] == 9) { first += 1 }
                if first < end {
                    if let n = NHSNumber.parse(UnsafeBufferPointer(rebasing: bytes[first..<end])) {
                        numbers.append(n)
                    } else {
                        ok = false
                        badLine = line
                    }
                }
                i += 1
                start = i
            }
        }
        guard ok else {
            throw ConfigurationError(
                "line \(badLine) is not a valid NHS number (10 digits with a Modulus 11 check digit, then an optional comma)",
                at: SourceLocation(file: path, line: badLine))
        }
        return numbers
    }

    /// The request file's bytes: each NHS number once, in the order given, as `9434765919,` and LF.
    public static func request(_ numbers: [UInt64]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(numbers.count * 12)
        for n in numbers {
            out.append(contentsOf: NHSNumber.format(n).utf8)
            out.append(44)
            out.append(10)
        }
        return out
    }

    /// The request file's name: `MAILBOX-DDMMYY-NNNN.dat`, NNNN one more than the highest
    /// sequence number already in `existing` for that mailbox and day (0001 for the first).
    public static func requestFileName(mailbox: String, day: Day, existing: [String]) -> String {
        let c = day.components
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let prefix = "\(mailbox)-\(two(c.day))\(two(c.month))\(two(c.year % 100))-"
        var highest = 0
        for name in existing where name.hasPrefix(prefix) && name.hasSuffix(".dat") {
            let digits = name.dropFirst(prefix.count).dropLast(4)
            if digits.count == 4, let n = Int(digits) { highest = max(highest, n) }
        }
        let next = String(highest + 1)
        return prefix + String(repeating: "0", count: max(0, 4 - next.count)) + next + ".dat"
    }
}

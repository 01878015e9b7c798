/// Builds CSV text: RFC 4180 quoting for fields holding the delimiter, quotes or line breaks,
/// LF line ends, UTF-8.
public struct CSVText {
    public private(set) var bytes: [UInt8] = []

    public init(header: [String]) {
        append(header)
    }

    /// Drops everything written so far.
    public mutating func clear() { bytes.removeAll(keepingCapacity: true) }

    public mutating func append(_ fields: [String]) {
        for (i, f) in fields.enumerated() {
            if i > 0 { bytes.append(44) }
            let utf8 = f.utf8
            if utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
                bytes.append(34)
                for b in utf8 {
                    if b == 34 { bytes.append(34) }
                    bytes.append(b)
                }
                bytes.append(34)
            } else {
                bytes.append(contentsOf: utf8)
            }
        }
        bytes.append(10)
    }
}

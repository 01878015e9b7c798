import Foundation

extension SHA256Digest {
    /// The SHA-256 of a text's UTF-8 bytes, lowercase hex.
    public static func hex(ofText text: String) -> String { hex(Array(text.utf8)) }

    /// The SHA-256 of a small file's bytes (a configuration file), lowercase hex; "" when the
    /// file cannot be read. Extracts are hashed as they are read (`FileDigest`).
    public static func hex(ofFile path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return hex(Array(data))
    }
}

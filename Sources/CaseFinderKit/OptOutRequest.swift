import CaseCore
import Foundation
import Ingest
import Report

/// `casefind opt-out-request`: the spine's NHS numbers in the file the national Check for
/// National Data Opt-outs service takes over MESH.
public enum OptOutRequest {
    public struct Written: CustomStringConvertible {
        public var path: String
        public var numbers: Int
        /// Spine rows not sent: rejected (invalid NHS number, missing field...) or repeated.
        public var rejected: Int
        public var repeated: Int

        public var description: String {
            var text = "wrote \(path): \(numbers) NHS number(s) for the national data opt-out check"
            if rejected > 0 { text += "; \(rejected) spine row(s) rejected and not sent (casefind validate lists them)" }
            if repeated > 0 { text += "; \(repeated) repeated number(s) sent once" }
            return text
        }
    }

    /// Reads the spine and writes `MAILBOX-DDMMYY-NNNN.dat` into `out`, atomically.
    public static func write(extracts: String, mappingPath: String?, mailbox: String, day: Day, out: String) throws -> Written {
        let mapping = try mappingPath.map { path throws(ConfigurationError) in try ColumnMapping.load(path: path) } ?? .contract
        let spine = try ClearedList.spineNumbers(extracts: extracts, mapping: mapping)
        let folder = try OutputDirectory(path: out)
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        let name = ClearedList.requestFileName(mailbox: mailbox, day: day, existing: existing)
        do {
            try folder.write(name, ClearedList.request(spine.numbers))
            try folder.commit()
        } catch {
            folder.abandon()
            throw error
        }
        return Written(path: folder.finalPath(name), numbers: spine.numbers.count, rejected: spine.rejected, repeated: spine.repeated)
    }
}

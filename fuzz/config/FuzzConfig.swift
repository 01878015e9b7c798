// libFuzzer target: the criteria and mapping readers. Each input is a YAML text, parsed once
// and read as a criteria file and as a column mapping: either may refuse it (a ConfigurationError), neither
// may crash; a criteria set that is accepted has its windows worked out at dates from 1900 to
// 2100, the date arithmetic a run does with them.
//
// Built by scripts/fuzz; without FUZZING, `fuzz-config FILE...` replays saved inputs.
import CaseCore
import ConfigFile
import Foundation
import FuzzDriver
import Ingest
import Rules

let dates = [Day(year: 1900, month: 1, day: 1)!, Day(year: 2026, month: 11, day: 22)!, Day(year: 2100, month: 12, day: 31)!]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let document: YAMLDocument
    do throws(ConfigurationError) {
        document = try YAMLDocument.parse(text, path: "fuzz.yaml")
    } catch {
        _ = error.description
        return 0
    }
    do throws(ConfigurationError) {
        let criteria = try CriteriaSet.parse(document)
        for d in dates {
            _ = criteria.prescriptionHorizon(d)
            for c in criteria.criteria { _ = "\(c.kind)" }
        }
    } catch {
        _ = error.description
    }
    do throws(ConfigurationError) {
        let mapping = try ColumnMapping.parse(document)
        _ = mapping.noRegisteredPractice
    } catch {
        _ = error.description
    }
    return 0
}

@main struct Fuzz {
    static func main() { FuzzDriver.main(fuzzOne) }
}

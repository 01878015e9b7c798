// libFuzzer target: the extract reader's accounting. Each input is one extract's bytes, its
// first byte choosing which extract, whether patients are opted out and the size of the chunks
// it is read in (16 bytes to 4 KiB, so that records cross chunk boundaries); the reader reads
// it as casefind would, and every row read must be accepted, rejected or opted out, each reject
// reported once. A crash, a trap or a broken count stops the fuzzer with the input saved.
//
// Built by scripts/fuzz (CASEFIND_FUZZ=1 adds this target to Package.swift); without FUZZING it
// is a replay tool: `fuzz-extract FILE...` runs each saved input once.
import CaseCore
import Foundation
import FuzzDriver
import Ingest

let kinds: [ExtractKind] = [.patients, .admissions, .prescriptions, .residence, .nominations, .optOuts, .practices, .caseManagers]
let chunkSizes = [4096, 16, 17, 64, 100, 128, 255, 256, 512, 1000, 1024, 2048, 3000, 4095, 4096, 4097]
let folder: String = {
    // In memory where the system has it: a file is written and read for every input.
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory()
    let dir = base + "casefind-fuzz-extract-\(getpid())"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}()

final class Counting: DiagnosticSink {
    var rejects = 0
    var warnings = 0
    func record(_ d: Diagnostic) { if d.severity == .reject { rejects += 1 } else { warnings += 1 } }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let kind = kinds[Int(data[0] & 7)]
    let path = folder + "/" + kind.defaultFileName
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0, write(fd, data + 1, size - 1) == size - 1, close(fd) == 0 else { fatalError("cannot write \(path)") }
    let sink = Counting()
    let register = OptOutRegister(policy: .default)
    if data[0] & 8 != 0 { register.add(9_434_765_919, type: .type1) }
    let reader = ExtractReader(directory: folder, sink: sink, optOuts: register)
    reader.namedFileOnly = true
    reader.chunkBytes = chunkSizes[Int(data[0] >> 4)]
    do throws(ConfigurationError) {
        switch kind {
        case .patients: try reader.readPatients { _ in .accepted }
        case .admissions: try reader.readAdmissions { _ in .accepted }
        case .prescriptions: try reader.readPrescriptions { _ in 0 }
        case .residence: try reader.readResidence { _ in .accepted }
        case .nominations: try reader.readNominations { _ in .accepted }
        case .optOuts: try reader.readOptOuts(into: OptOutRegister(policy: .default))
        case .practices: try reader.readPractices { _ in .accepted }
        default: try reader.readCaseManagers { _ in .accepted }
        }
    } catch {
        // A configuration error (no header, a bad caseload) is an answer, not a failure.
        _ = error.description
        unlink(path)
        return 0
    }
    unlink(path)
    guard let s = reader.stats[kind] else { fatalError("no statistics for \(kind)") }
    guard s.read == s.accepted + s.rejected + s.optedOut else {
        fatalError("read \(s.read) != accepted \(s.accepted) + rejected \(s.rejected) + opted out \(s.optedOut)")
    }
    guard s.rejected == sink.rejects, s.warnings == sink.warnings || kind == .caseManagers else {
        fatalError("rejected \(s.rejected), warnings \(s.warnings); reported \(sink.rejects) and \(sink.warnings)")
    }
    return 0
}

@main struct Fuzz {
    static func main() { FuzzDriver.main(fuzzOne) }
}

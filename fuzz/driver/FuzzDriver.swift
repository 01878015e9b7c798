// What every libFuzzer target's entry point does (fuzz/extract, fuzz/config, fuzz/values).
import Foundation

/// A target's test of one input: libFuzzer's `LLVMFuzzerTestOneInput`.
public typealias FuzzBody = @convention(c) (UnsafePointer<UInt8>, Int) -> Int32

#if FUZZING
    /// libFuzzer's driver. SwiftPM names an executable's entry point itself, so libFuzzer's own
    /// `main` is not the one linked: the target's entry point runs the driver.
    @_silgen_name("LLVMFuzzerRunDriver")
    func runDriver(
        _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ body: FuzzBody
    ) -> Int32
#endif

public enum FuzzDriver {
    /// Built with FUZZING (scripts/fuzz): libFuzzer's driver over `body`, with the command
    /// line's options. Built plainly: `body` once for each saved input named on the command line.
    public static func main(_ body: FuzzBody) -> Never {
        #if FUZZING
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(runDriver(&argc, &argv, body))
        #else
            for path in CommandLine.arguments.dropFirst() {
                guard let bytes = FileManager.default.contents(atPath: path) else { fatalError("cannot read \(path)") }
                _ = [UInt8](bytes).withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
                print("\(path): ok")
            }
            exit(0)
        #endif
    }
}

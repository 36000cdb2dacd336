import Foundation
import FuzzTargets

// Built with `-DFUZZING` and `--sanitize fuzzer --sanitize address` (`make fuzz`), this is a
// libFuzzer target: libFuzzer's main calls `LLVMFuzzerTestOneInput` with each input, on the reader
// that ROMKIT_FUZZ_TARGET names. Built normally, it replays inputs: `romkit-fuzz TARGET FILE...`.

#if FUZZING
/// The target this fuzzing process drives, from ROMKIT_FUZZ_TARGET.
let fuzzedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["ROMKIT_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        fatalError("ROMKIT_FUZZ_TARGET='\(name)': set it to one of " + FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    _ = fuzzedTarget.run(bytes)
    return 0
}
#else
@main
struct ReplayInputs {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            FileHandle.standardError.write(Data("usage: romkit-fuzz \(names) FILE...\n".utf8))
            exit(64)
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("romkit-fuzz: cannot read \(path)\n".utf8))
                exit(1)
            }
            switch target.run(Array(data)) {
            case .accepted: print("\(path): accepted")
            case let .rejected(message): print("\(path): rejected: \(message)")
            }
        }
    }
}
#endif

import LinearAlgebra
import XCTest

final class BLASRuntimeTests: XCTestCase {
    func testGenericCoresGetATunedSuggestionAndTunedOnesNone() {
        XCTAssertEqual(BLASRuntime.suggestedCoreType(core: "Prescott", cpuFlags: ["avx2", "avx512f", "avx512bw"]), "SkylakeX")
        XCTAssertEqual(BLASRuntime.suggestedCoreType(core: "prescott", cpuFlags: ["avx2"]), "Haswell")
        XCTAssertNil(BLASRuntime.suggestedCoreType(core: "Prescott", cpuFlags: ["sse2"]))
        XCTAssertNil(BLASRuntime.suggestedCoreType(core: "Haswell", cpuFlags: ["avx2", "avx512f", "avx512bw"]))
        XCTAssertNil(BLASRuntime.suggestedCoreType(core: "Cooperlake", cpuFlags: ["avx512f", "avx512bw"]))
        XCTAssertFalse(BLASRuntime.coreName.isEmpty)
    }

    func testSplitMix64IsReproducible() {
        var a = SplitMix64(seed: 7), b = SplitMix64(seed: 7)
        XCTAssertEqual((0..<5).map { _ in a.next() }, (0..<5).map { _ in b.next() })
        // Reference value of SplitMix64 from seed 0 (Vigna's C implementation).
        var zero = SplitMix64(seed: 0)
        XCTAssertEqual(zero.next(), 0xE220_A839_7B1D_CDAF)
    }
}

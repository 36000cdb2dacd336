import XCTest
import FEM
import ROM
import EIM
import DomainDecomp

/// Every module links, and DomainDecomp against its C libraries (METIS 5.1, MPI 3.1 here).
final class ModuleLinkTests: XCTestCase {
    func testCLibrariesLink() {
        XCTAssertEqual(DomainDecompModule.metisVersion.split(separator: ".").first, "5")
        let mpi = DomainDecompModule.mpiStandardVersion.split(separator: ".").compactMap { Int($0) }
        XCTAssertGreaterThanOrEqual(mpi.first ?? 0, 3)
        XCTAssertEqual([FEMModule.name, ROMModule.name, EIMModule.name], ["FEM", "ROM", "EIM"])
    }
}

import Foundation
import LinearAlgebra
import ROM
import XCTest

/// The reduction seam: POD and Gram–Schmidt sum their inner products through `Reduction`. The
/// serial seam changes no bit of the results; a row-split computation whose parts add their
/// partial sums (here two threads, as MPI ranks would) gives the serial POD.
final class ReductionSeamTests: XCTestCase {
    private func snapshots(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix {
        var generator = SplitMix64(seed: seed)
        // Decaying columns: singular values spread over several orders of magnitude.
        return Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { k in
            (generator.nextUniform() - 0.5) * pow(0.3, Double(k / rows))
        })
    }

    /// The method of snapshots written out with the BLAS/LAPACK calls POD makes, without the seam.
    private func methodOfSnapshotsBeforeTheSeam(_ s: Matrix, keep: Int) throws -> (Matrix, [Double]) {
        let eigen = try SymmetricEigen(s.gram)
        let k = s.columns
        let lambda = eigen.values.reversed().map { max($0, 0) }
        let floor = (lambda.first ?? 0) * Double(k) * Double.ulpOfOne
        let sigma = lambda.map { $0 > floor ? $0.squareRoot() : 0 }
        var v = Matrix(rows: k, columns: keep)
        for j in 0..<keep { v.setColumn(j, to: eigen.vectors.column(k - 1 - j).map { $0 / sigma[j] }) }
        var modes = s * v
        // Two rounds of Cholesky QR in place: Gram by `dsyrk`, Φ ← Φ L⁻ᵀ by `dtrsm` (since issue 20).
        for _ in 0..<2 {
            let upper = try DenseCholesky(modes.gram).l.transposed
            let (rows, columns) = (modes.rows, modes.columns)
            upper.storage.withUnsafeBufferPointer { u in
                modes.storage.withUnsafeMutableBufferPointer { b in
                    BLAS.trsm(left: false, lower: false, unitDiagonal: false, m: rows, n: columns, a: u.baseAddress!, lda: columns,
                              b: b.baseAddress!, ldb: rows)
                }
            }
        }
        return (modes, sigma)
    }

    func testSerialSeamIsBitForBitTheFormerPOD() throws {
        let s = snapshots(300, 12, seed: 9)
        let pod = try POD(snapshots: s, innerProduct: InnerProduct(matrix: nil, reduction: SerialReduction()),
                          truncation: .count(6), method: .snapshots)
        let (modes, sigma) = try methodOfSnapshotsBeforeTheSeam(s, keep: 6)
        XCTAssertEqual(pod.modes.storage, modes.storage)
        XCTAssertEqual(pod.singularValues, sigma)
    }

    /// Sums over `parts` threads that each hold a block of rows, in the way of MPI_Allreduce:
    /// every part adds its values, waits for the others, and reads the total.
    final class InProcessAllreduce: @unchecked Sendable {
        let parts: Int
        private let condition = NSCondition()
        private var total: [Double] = []
        private var arrived = 0, generation = 0, readers = 0
        private(set) var calls = 0

        init(parts: Int) { self.parts = parts }

        func sum(_ values: UnsafeMutableBufferPointer<Double>) {
            condition.lock()
            defer { condition.unlock() }
            while readers > 0 { condition.wait() }               // the previous sum is still being read
            if arrived == 0 { total = [Double](repeating: 0, count: values.count); calls += 1 }
            for i in 0..<values.count { total[i] += values[i] }
            arrived += 1
            let mine = generation
            if arrived == parts {
                arrived = 0
                generation += 1
                readers = parts
                condition.broadcast()
            } else {
                while generation == mine { condition.wait() }
            }
            for i in 0..<values.count { values[i] = total[i] }
            readers -= 1
            if readers == 0 { condition.broadcast() }
        }
    }

    struct PartReduction: Reduction {
        let allreduce: InProcessAllreduce
        var isSerial: Bool { false }
        func sumOverParts(_ values: UnsafeMutableBufferPointer<Double>) { allreduce.sum(values) }
    }

    func testTwoPartsAddingTheirSumsGiveTheSerialPOD() throws {
        let s = snapshots(400, 10, seed: 4)
        let serial = try POD(snapshots: s, truncation: .count(5), method: .snapshots)
        let allreduce = InProcessAllreduce(parts: 2)
        let halves = [0..<250, 250..<400]
        let results = UnsafeMutableBufferPointer<POD?>.allocate(capacity: 2)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let shared = UncheckedSendable(results)
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            let rows = Array(halves[part])
            let local = s.rows(rows)
            shared.value[part] = try? POD(snapshots: local, innerProduct: InnerProduct(matrix: nil, reduction: PartReduction(allreduce: allreduce)),
                                          truncation: .count(5), method: .snapshots)
        }
        let first = try XCTUnwrap(results[0]), second = try XCTUnwrap(results[1])
        XCTAssertEqual(first.singularValues.count, serial.singularValues.count)
        for (a, b) in zip(first.singularValues, serial.singularValues) { XCTAssertEqual(a, b, accuracy: 1e-13 * serial.singularValues[0]) }
        XCTAssertEqual(first.singularValues, second.singularValues, "every part knows the same singular values")
        // The parts' rows of the modes stacked are the serial modes (same signs: same eigenvectors).
        for j in 0..<5 {
            let stacked = first.modes.column(j) + second.modes.column(j)
            for (a, b) in zip(stacked, serial.modes.column(j)) { XCTAssertEqual(a, b, accuracy: 1e-10) }
        }
        // Correlation matrix and two Cholesky QR Gram matrices: three sums over the parts.
        XCTAssertEqual(allreduce.calls, 3)

        // Gram–Schmidt through the same seam: a basis orthonormal over both parts together.
        let basisAllreduce = InProcessAllreduce(parts: 2)
        let bases = UnsafeMutableBufferPointer<OrthonormalBasis?>.allocate(capacity: 2)
        bases.initialize(repeating: nil)
        defer { bases.deallocate() }
        let sharedBases = UncheckedSendable(bases)
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            let local = s.rows(Array(halves[part]))
            var basis = OrthonormalBasis(dimension: local.rows,
                                         innerProduct: InnerProduct(matrix: nil, reduction: PartReduction(allreduce: basisAllreduce)))
            for j in 0..<4 { basis.append(local.column(j)) }
            sharedBases.value[part] = basis
        }
        let top = try XCTUnwrap(bases[0]).vectors, bottom = try XCTUnwrap(bases[1]).vectors
        let v = Matrix(columns: (0..<4).map { top.column($0) + bottom.column($0) })
        XCTAssertLessThan((v.gram - Matrix.identity(4)).maxAbs, 1e-13)
    }
}

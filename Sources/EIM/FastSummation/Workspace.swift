import Foundation

/// The points in tree order as structure-of-arrays buffers (immutable after setup).
final class TreePoints: @unchecked Sendable {
    let source: [UnsafeMutableBufferPointer<Double>]  // x, y, z
    let target: [UnsafeMutableBufferPointer<Double>]

    init(tree: SummationTree, sources: [SIMD3<Double>], targets: [SIMD3<Double>]?) {
        func layout(_ pts: [SIMD3<Double>], _ order: [Int]) -> [UnsafeMutableBufferPointer<Double>] {
            (0..<3).map { axis in
                let b = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(order.count, 1))
                for (k, i) in order.enumerated() { b[k] = pts[i][axis] }
                return b
            }
        }
        source = layout(sources, tree.sourceOrder)
        target = targets.map { layout($0, tree.targetOrder) } ?? source
    }

    func sources(charges: UnsafeBufferPointer<Double>) -> SourceView {
        SourceView(x: UnsafeBufferPointer(source[0]), y: UnsafeBufferPointer(source[1]), z: UnsafeBufferPointer(source[2]), charges: charges)
    }

    func targets() -> SourceView {
        SourceView(x: UnsafeBufferPointer(target[0]), y: UnsafeBufferPointer(target[1]), z: UnsafeBufferPointer(target[2]),
                   charges: UnsafeBufferPointer(start: nil, count: 0))
    }

    deinit {
        let shared = source[0].baseAddress == target[0].baseAddress
        for b in source { b.deallocate() }
        if !shared { for b in target { b.deallocate() } }
    }
}

/// Buffers of one evaluation, allocated at setup so that `apply` allocates nothing; a lock makes
/// concurrent evaluations on one setup take turns.
final class Workspace: @unchecked Sendable {
    let lock = NSLock()
    let charges: UnsafeMutableBufferPointer<Double>
    let potential: UnsafeMutableBufferPointer<Double>
    /// Per level: nodal multipoles (yCount × boxes), nodal locals (xCount × boxes), raw (max × boxes).
    let multipole: [UnsafeMutableBufferPointer<Double>]
    let local: [UnsafeMutableBufferPointer<Double>]
    let raw: [UnsafeMutableBufferPointer<Double>]
    /// Per thread chunk: gathered multipoles and M2L products (largest batch of any level).
    let gather: [UnsafeMutableBufferPointer<Double>]
    let product: [UnsafeMutableBufferPointer<Double>]
    static let batchColumns = 512

    init(tree: SummationTree, levels: [LevelOperators], threads: Int) {
        charges = .allocate(capacity: max(tree.sourceOrder.count, 1))
        potential = .allocate(capacity: max(tree.targetOrder.count, 1))
        var m: [UnsafeMutableBufferPointer<Double>] = [], l: [UnsafeMutableBufferPointer<Double>] = [], r: [UnsafeMutableBufferPointer<Double>] = []
        var widest = 1
        for (level, ops) in levels.enumerated() {
            let boxes = tree.levelStart[level + 1] - tree.levelStart[level]
            m.append(.allocate(capacity: max(ops.yCount * boxes, 1)))
            l.append(.allocate(capacity: max(ops.xCount * boxes, 1)))
            r.append(.allocate(capacity: max(max(ops.xCount, ops.yCount) * boxes, 1)))
            widest = max(widest, ops.xCount, ops.yCount)
        }
        multipole = m
        local = l
        raw = r
        gather = (0..<threads).map { _ in .allocate(capacity: widest * Self.batchColumns) }
        product = (0..<threads).map { _ in .allocate(capacity: widest * Self.batchColumns) }
    }

    deinit {
        for b in [charges, potential] + multipole + local + raw + gather + product { b.deallocate() }
    }
}

import Foundation
import LinearAlgebra

/// The reference: f(x_i) = Σ_j σ_j K(x_i − y_j) by the O(N M) double loop (targets in parallel).
public enum DirectSummation {
    /// f at `targets` (by default every source point; only the listed `targetIndices` of `targets`
    /// when given), with the same convention as `FastSummation` (coincident points skipped for a
    /// kernel singular at the origin). In 2D the z coordinates are ignored.
    public static func evaluate(kernel: any Kernel, sources: [SIMD3<Double>], charges: [Double],
                                targets: [SIMD3<Double>]? = nil, targetIndices: [Int]? = nil, dimension: Int = 3,
                                threads: Int = Parallelism.threadCount) throws -> [Double] {
        guard dimension == 2 || dimension == 3 else { throw FastSummationError.unsupportedDimension(dimension) }
        guard charges.count == sources.count else { throw FastSummationError.chargeCountMismatch(expected: sources.count, got: charges.count) }
        let flat: (SIMD3<Double>) -> SIMD3<Double> = { dimension == 2 ? SIMD3($0.x, $0.y, 0) : $0 }
        let src = sources.map(flat), tgt = (targets ?? sources).map(flat)
        let which = targetIndices ?? Array(tgt.indices)
        let xs = src.map(\.x), ys = src.map(\.y), zs = src.map(\.z)
        var out = [Double](repeating: 0, count: which.count)
        xs.withUnsafeBufferPointer { x in ys.withUnsafeBufferPointer { y in zs.withUnsafeBufferPointer { z in
            charges.withUnsafeBufferPointer { q in
                out.withUnsafeMutableBufferPointer { o in
                    let view = SourceView(x: x, y: y, z: z, charges: q)
                    let box = UncheckedSendable(o)
                    Parallelism.forEachChunk(of: which.count, chunks: threads) { range in
                        for i in range { box.value[i] = kernel.sum(at: tgt[which[i]], sources: view, range: 0..<src.count) }
                    }
                }
            }
        } } }
        return out
    }

    /// ‖a − b‖₂ / ‖b‖₂.
    public static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "DirectSummation.relativeError: lengths \(a.count) and \(b.count)")
        var num = 0.0, den = 0.0
        for i in a.indices { num += (a[i] - b[i]) * (a[i] - b[i]); den += b[i] * b[i] }
        return den > 0 ? (num / den).squareRoot() : num.squareRoot()
    }
}

/// Point sets of the tests, drivers and benchmarks (seeded): uniform in the unit cube (square),
/// on the unit sphere (circle) surface, or clustered (Gaussian blobs of widely varying width).
public enum PointDistribution: String, Sendable, CaseIterable {
    case uniform, sphere, clustered

    /// `n` points in dimension 2 or 3 (z = 0 in 2D), from `seed`.
    public func points(_ n: Int, dimension: Int, seed: UInt64 = 1) -> [SIMD3<Double>] {
        var rng = SplitMix64(seed: seed)
        func u() -> Double { rng.nextUniform() }
        func normal() -> Double {
            let a = max(u(), 1e-300), b = u()
            return (-2 * Foundation.log(a)).squareRoot() * Foundation.cos(2 * Double.pi * b)
        }
        let three = dimension == 3
        switch self {
        case .uniform:
            return (0..<n).map { _ in SIMD3(u(), u(), three ? u() : 0) }
        case .sphere:
            return (0..<n).map { _ in
                var v = SIMD3(normal(), normal(), three ? normal() : 0)
                v /= max((v * v).sum().squareRoot(), 1e-300)
                return 0.5 * v + SIMD3(0.5, 0.5, three ? 0.5 : 0)
            }
        case .clustered:
            let centers = (0..<8).map { _ in SIMD3(0.2 + 0.6 * u(), 0.2 + 0.6 * u(), three ? 0.2 + 0.6 * u() : 0) }
            let widths = (0..<8).map { Foundation.pow(10, -1 - 2 * Double($0) / 7) }
            return (0..<n).map { _ in
                let k = Int(u() * 8) % 8
                var p = centers[k] + widths[k] * SIMD3(normal(), normal(), three ? normal() : 0)
                p = pointwiseMin(pointwiseMax(p, .zero), SIMD3(1, 1, three ? 1 : 0))
                return p
            }
        }
    }
}

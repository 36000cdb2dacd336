import ComplexModule
import EIM
import LinearAlgebra

/// The empirical interpolation of a parametrized vector v(μ) ∈ Kⁿ (the values of a matrix on its
/// pattern, or a right-hand side): v(μ) ≈ Σ_k β_k(μ) q_k, where β(μ) comes from d entries of
/// v(μ) ("magic entries") by a forward substitution. It runs the EIM module's greedy
/// (`EmpiricalInterpolation`, ℓ∞, errors relative to each sample's size) on the samples.
///
/// Complex vectors are interpolated over the reals: each entry counts as two points (its real
/// and its imaginary part), so β is real and one greedy serves both scalars; a magic entry is an
/// entry and the part read. A family whose real and imaginary parts move independently needs up
/// to twice the terms a complex β would (the span over ℝ of {q_k, i q_k}).
///
/// One term more than the tolerance asks is kept (`estimatorTerm`): the coefficient β_d of the
/// (d+1)-th term, computed by the same substitution, estimates the interpolation error of the
/// d-term approximation (the EIM estimator of Eftang–Grepl–Patera 2010), which the nonintrusive
/// indicator adds to the residual. The first d coefficients do not depend on the extra entry
/// (the interpolation matrix is unit lower triangular).
public struct VectorEmpiricalInterpolation<Element: Scalar>: Sendable {
    /// Which part of a complex entry a magic point reads.
    public typealias Part = EntryPart

    /// The length n of the vectors.
    public let length: Int
    /// The d + 1 basis vectors q_0 … q_d (the last is the estimator term).
    public let basis: [[Element]]
    /// The same as stacked real rows (real parts, then imaginary parts): n·parts × (d + 1).
    public let realBasis: Matrix
    /// The entry each magic point reads (d + 1 entries, in the greedy's order; an entry may appear
    /// twice for complex vectors, once per part).
    public let entries: [Int]
    /// The part each magic point reads.
    public let parts: [Part]
    /// The interpolation matrix B (d+1 × d+1, unit lower triangular): B[i, k] = q_k at point i.
    public let interpolationMatrix: Matrix
    /// The greedy's largest relative training error with 0, 1, …, d terms (d + 1 values).
    public let errorHistory: [Double]
    /// Why the greedy stopped.
    public let stopReason: EIMStopReason

    /// d, the number of terms of the approximation (the estimator term excluded).
    public var terms: Int { basis.count - 1 }

    /// Runs the greedy on `samples` (one vector per training parameter) to the relative ℓ∞
    /// `tolerance`, at most `maxTerms` terms, and adds the estimator term.
    public init(samples: [[Element]], tolerance: Double, maxTerms: Int? = nil, progress: ((Int, Double) -> Void)? = nil) throws {
        guard let n = samples.first?.count, n > 0 else { throw ROMError.empty(what: "samples of the vector interpolation") }
        for s in samples where s.count != n {
            throw ROMError.dimensionMismatch(what: "sample length of the vector interpolation", expected: n, found: s.count)
        }
        let parts = Element.isComplex ? 2 : 1
        let rows = n * parts
        func snapshots() -> Matrix { Self.stacked(samples) }
        let options = EIMOptions(tolerance: tolerance, maxTerms: maxTerms.map { Swift.min($0, rows, samples.count) }, norm: .linf, relative: true)
        let greedy: EmpiricalInterpolation
        do {
            greedy = try EmpiricalInterpolation(snapshots: snapshots(), options: options, progress: progress)
        } catch let error as EIMError {
            throw ROMError.invalidOption(name: "empirical interpolation of the family", detail: "\(error)")
        }
        let g = snapshots()
        var basis = greedy.basis, points = greedy.points, history = greedy.errorHistory
        // The estimator term: the next step of the greedy on the worst training sample.
        let extra = Self.nextTerm(greedy, snapshots: g)
        if let (q, x, error) = extra {
            basis.appendColumn(q)
            points.append(x)
            if history.count == greedy.terms + 1 { history[greedy.terms] = error } else { history.append(error) }
        } else {
            // The family is interpolated exactly: a zero estimator term (β_d is then 0).
            basis.appendColumn([Double](repeating: 0, count: rows))
            points.append(points.first ?? 0)
        }
        length = n
        realBasis = basis
        let unit = Element.imaginaryUnit
        self.basis = (0..<basis.columns).map { k in
            (0..<n).map { i in parts == 2 ? Element(real: basis[i, k]) + Element(real: basis[n + i, k]) * unit : Element(real: basis[i, k]) }
        }
        entries = points.map { $0 % n }
        self.parts = points.map { $0 < n ? .real : .imaginary }
        var b = Matrix(rows: points.count, columns: points.count)
        for k in 0..<points.count { for i in 0..<points.count { b[i, k] = basis[points[i], k] } }
        if extra == nil { b[points.count - 1, points.count - 1] = 1 }
        interpolationMatrix = b
        errorHistory = history
        stopReason = greedy.stopReason ?? .termLimit
    }

    /// The (q, point, error) of one more greedy step, or nil when every sample is interpolated exactly.
    private static func nextTerm(_ eim: EmpiricalInterpolation, snapshots g: Matrix) -> ([Double], Int, Double)? {
        var worst = -1, largest = 0.0, worstResidual: [Double] = []
        forEachResidual(of: g, basis: eim.basis, points: eim.points, terms: eim.terms) { j, r in
            var size = 0.0, error = 0.0
            for i in 0..<r.count { size = Swift.max(size, abs(g[i, j])); error = Swift.max(error, abs(r[i])) }
            let relative = size > 0 ? error / size : 0
            if relative > largest { largest = relative; worst = j; worstResidual = Array(r) }
        }
        guard worst >= 0, largest > 0 else { return nil }
        let taken = Set(eim.points)
        var x = -1, peak = 0.0
        for i in 0..<worstResidual.count where !taken.contains(i) && abs(worstResidual[i]) > peak { peak = abs(worstResidual[i]); x = i }
        guard x >= 0, peak > 0 else { return nil }
        var q = worstResidual.map { $0 / worstResidual[x] }
        for p in eim.points { q[p] = 0 }
        q[x] = 1
        return (q, x, largest)
    }

    /// Calls `body(j, r_j)` with the residual r_j = g_j − Σ_{k<terms} c_k q_k of every column of
    /// g (stacked real rows), c from the values at `points` by forward substitution (q_k(x_i) = 0
    /// for i < k, 1 for i = k): blocks of columns at a time, the products by `dgemm`.
    static func forEachResidual(of g: Matrix, basis: Matrix, points: [Int], terms m: Int,
                                _ body: (Int, UnsafeBufferPointer<Double>) -> Void) {
        let n = g.rows, block = 64
        let q = basis.columns(0..<m)
        var start = 0
        while start < g.columns {
            let count = Swift.min(block, g.columns - start)
            var c = Matrix(rows: m, columns: count)
            for j in 0..<count {
                for i in 0..<m {
                    var v = g[points[i], start + j]
                    for k in 0..<i { v -= q[points[i], k] * c[k, j] }
                    c[i, j] = v
                }
            }
            var r = g.columns(start..<(start + count))
            if m > 0 { Matrix.gemm(.none, q, .none, c, into: &r, alpha: -1, beta: 1) }
            r.storage.withUnsafeBufferPointer { rp in
                for j in 0..<count { body(start + j, UnsafeBufferPointer(rebasing: rp[(j * n)..<((j + 1) * n)])) }
            }
            start += count
        }
    }

    /// The stacked real rows (real parts, then imaginary parts) of the vectors, one column each.
    static func stacked(_ samples: [[Element]]) -> Matrix {
        let n = samples.first?.count ?? 0, parts = Element.isComplex ? 2 : 1, rows = n * parts
        var g = Matrix(rows: rows, columns: samples.count)
        g.storage.withUnsafeMutableBufferPointer { out in
            for (j, s) in samples.enumerated() {
                for i in 0..<n {
                    out[j * rows + i] = s[i].realPart
                    if parts == 2 { out[j * rows + n + i] = s[i].imaginaryPart }
                }
            }
        }
        return g
    }

    /// The relative errors of the d-term approximation of each vector: largest entry modulus of
    /// v − I_d v over the largest of v, and the Euclidean (Frobenius) ratio.
    public func relativeErrors(of samples: [[Element]]) throws -> (largestEntry: [Double], frobenius: [Double]) {
        for s in samples where s.count != length {
            throw ROMError.dimensionMismatch(what: "vector to interpolate", expected: length, found: s.count)
        }
        let g = Self.stacked(samples), n = length, complex = Element.isComplex
        var largest = [Double](repeating: 0, count: samples.count), frobenius = largest
        let points = zip(entries, parts).map { $0 + ($1 == .imaginary ? n : 0) }
        Self.forEachResidual(of: g, basis: realBasis, points: points, terms: terms) { j, r in
            var e = 0.0, s = 0.0, e2 = 0.0, s2 = 0.0
            for i in 0..<n {
                let d = complex ? (r[i] * r[i] + r[n + i] * r[n + i]).squareRoot() : abs(r[i])
                let a = complex ? (g[i, j] * g[i, j] + g[n + i, j] * g[n + i, j]).squareRoot() : abs(g[i, j])
                e = Swift.max(e, d); s = Swift.max(s, a); e2 += d * d; s2 += a * a
            }
            largest[j] = s > 0 ? e / s : e
            frobenius[j] = s2 > 0 ? (e2 / s2).squareRoot() : e2.squareRoot()
        }
        return (largest, frobenius)
    }

    /// β_0 … β_d from the values of the d + 1 magic entries (`entryValues[i]` = v(μ)[entries[i]]),
    /// by forward substitution; no allocation.
    public func coefficients(entryValues: UnsafeBufferPointer<Element>, into beta: UnsafeMutableBufferPointer<Double>) {
        Self.substitute(entryValues, parts: parts, interpolationMatrix: interpolationMatrix, into: beta)
    }

    /// c with B c = the parts of `values` the points read, B unit lower triangular (column-major):
    /// the online step of every interpolation here (also the model evaluator's). No allocation.
    static func substitute(_ values: UnsafeBufferPointer<Element>, parts: [Part], interpolationMatrix b: Matrix,
                           into c: UnsafeMutableBufferPointer<Double>) {
        let m = parts.count
        b.storage.withUnsafeBufferPointer { bp in
            for i in 0..<m {
                var s = parts[i] == .real ? values[i].realPart : values[i].imaginaryPart
                for k in 0..<i { s -= bp[i + k * m] * c[k] }
                c[i] = s
            }
        }
    }

    /// β(μ) of a whole vector (its magic entries read), as a new array.
    public func coefficients(of v: [Element]) throws -> [Double] {
        guard v.count == length else { throw ROMError.dimensionMismatch(what: "vector to interpolate", expected: length, found: v.count) }
        let values = entries.map { v[$0] }
        var beta = [Double](repeating: 0, count: entries.count)
        values.withUnsafeBufferPointer { e in beta.withUnsafeMutableBufferPointer { coefficients(entryValues: e, into: $0) } }
        return beta
    }

    /// Σ_{k<d} β_k q_k (the estimator term left out unless `includingEstimatorTerm`).
    public func approximation(_ beta: [Double], includingEstimatorTerm: Bool = false) -> [Element] {
        var v = [Element](repeating: .zero, count: length)
        for k in 0..<(includingEstimatorTerm ? basis.count : terms) where beta[k] != 0 {
            let c = Element(real: beta[k])
            for i in 0..<length { v[i] += c * basis[k][i] }
        }
        return v
    }
}

/// Which part of a (complex) entry a magic point of an empirical interpolation reads.
public enum EntryPart: Int, Sendable, Codable {
    /// The real part (every point of a real vector).
    case real = 0
    /// The imaginary part.
    case imaginary = 1
}

extension Scalar {
    /// i for a complex scalar (0 for a real one).
    static var imaginaryUnit: Self {
        if let i = Complex<Double>.i as? Self { return i }
        return .zero
    }
}

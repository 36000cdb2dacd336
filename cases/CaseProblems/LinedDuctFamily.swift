import ComplexModule
import RealModule
import FEM
import Foundation
import LinearAlgebra
import ROM

/// The lined duct of `LinedDuct` (FEM) as a complex matrix family for the nonintrusive RB:
/// μ = (f, σ), the frequency f ∈ [200, 2000] Hz and the liner's flow resistivity
/// σ ∈ [5, 50] kPa·s/m², both entering non-affinely (k² and k β(f, σ) with the Delany–Bazley
/// admittance β). The nonintrusive path sees only `matrix(at:)`, `rightHandSide(at:)` and,
/// online, `entries(at:positions:)`, which forms the few asked entries from the duct's real
/// term matrices at the positions (`HelmholtzTerms.entries`). X = K + k_c² M, k_c the wavenumber
/// at the band's centre frequency (an H¹ product with the acoustic scaling); the output TL(f, σ)
/// comes from the incident and transmitted powers of a field (`transmissionLoss`).
public final class LinedDuctFamily: MatrixFamily, @unchecked Sendable {
    /// The scalar: complex.
    public typealias Element = Complex<Double>
    /// The FEM problem.
    public let duct: LinedDuct
    /// (frequency, resistivity) in Hz and Pa·s/m².
    public let parameterSpace: ParameterSpace
    /// X = K + k_c² M (real, symmetric positive definite).
    public let innerProduct: SparseMatrix
    /// The L² product M (pressure errors).
    public let mass: SparseMatrix
    private let lock = NSLock()
    private var cachedIndices: (positions: [MatrixPosition], indices: [Int?])?

    /// The duct on `nx` × `ny` squares (P2), f ∈ `frequencies`, σ ∈ `resistivities`.
    public init(geometry: LinedDuct.Geometry = .init(), nx: Int, ny: Int, frequencies: ClosedRange<Double> = 200...2000,
                resistivities: ClosedRange<Double> = 5_000...50_000) throws {
        duct = LinedDuct(geometry: geometry, nx: nx, ny: ny)
        parameterSpace = try ParameterSpace(names: ["frequency", "resistivity"], lower: [frequencies.lowerBound, resistivities.lowerBound],
                                            upper: [frequencies.upperBound, resistivities.upperBound])
        let centre = duct.air.wavenumber(frequency: (frequencies.lowerBound + frequencies.upperBound) / 2)
        let terms = duct.terms
        innerProduct = terms.pattern.matrix(values: zip(terms.stiffness, terms.mass).map { $0 + centre * centre * $1 })
        mass = terms.pattern.matrix(values: terms.mass)
    }

    /// Unknowns.
    public var order: Int { duct.dofCount }

    /// A(f, σ), formed from the assembled terms.
    public func matrix(at mu: Parameter) throws -> ComplexSparseMatrix { duct.matrix(frequency: mu[0], resistivity: mu[1]) }

    /// f = −2 i k b_in.
    public func rightHandSide(at mu: Parameter) throws -> [Complex<Double>] { duct.rightHandSide(frequency: mu[0]) }

    /// A(f, σ) at `positions`: a few multiply-adds per entry.
    public func entries(at mu: Parameter, positions: [MatrixPosition]) throws -> [Complex<Double>] {
        let indices = try patternIndices(positions)
        let k = duct.air.wavenumber(frequency: mu[0])
        return duct.terms.entries(wavenumber: k, admittances: [LinedDuct.inletTag: Complex(1), LinedDuct.outletTag: Complex(1),
                                                               LinedDuct.linedTag: duct.linerAdmittance(frequency: mu[0], resistivity: mu[1])],
                                  at: indices)
    }

    /// f at `indices`.
    public func rightHandSideEntries(at mu: Parameter, indices: [Int]) throws -> [Complex<Double>] {
        let k = duct.air.wavenumber(frequency: mu[0])
        return try indices.map { i in
            guard i >= 0, i < order else { throw ROMError.invalidOption(name: "right-hand side index", detail: "\(i) is outside 0..<\(order)") }
            return Complex(0, -2 * k * duct.inletLoad[i])
        }
    }

    /// Entries are cheap.
    public var evaluatesEntriesCheaply: Bool { true }

    /// TL(f, σ) of a pressure field.
    public func transmissionLoss(_ p: [Complex<Double>], at mu: Parameter) -> Double {
        duct.transmissionLoss(p, frequency: mu[0], resistivity: mu[1])
    }

    /// The training set: `frequencies` values of f evenly over the band times `resistivities`
    /// values of σ evenly in log σ.
    public func trainingSet(frequencies: Int, resistivities: Int) -> [Parameter] {
        let (f0, f1) = (parameterSpace.lower[0], parameterSpace.upper[0])
        let (s0, s1) = (Foundation.log(parameterSpace.lower[1]), Foundation.log(parameterSpace.upper[1]))
        var set: [Parameter] = []
        for j in 0..<resistivities {
            let sigma = resistivities > 1 ? Foundation.exp(s0 + (s1 - s0) * Double(j) / Double(resistivities - 1)) : Foundation.exp((s0 + s1) / 2)
            for i in 0..<frequencies {
                let f = frequencies > 1 ? f0 + (f1 - f0) * Double(i) / Double(frequencies - 1) : (f0 + f1) / 2
                set.append(Parameter([f, min(max(sigma, parameterSpace.lower[1]), parameterSpace.upper[1])]))
            }
        }
        return set
    }

    /// The pattern positions of `positions`, made once for the positions a model reads.
    private func patternIndices(_ positions: [MatrixPosition]) throws -> [Int?] {
        lock.lock()
        defer { lock.unlock() }
        if let cached = cachedIndices, cached.positions == positions { return cached.indices }
        for p in positions where p.row < 0 || p.row >= order || p.column < 0 || p.column >= order {
            throw ROMError.invalidOption(name: "matrix entry", detail: "\(p) is outside the \(order)×\(order) matrix")
        }
        let made = positions.map { duct.terms.pattern.index(row: $0.row, column: $0.column) }
        cachedIndices = (positions, made)
        return made
    }
}

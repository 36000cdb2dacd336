import LinearAlgebra

/// One stored entry of a sparse matrix: its row and column.
public struct MatrixPosition: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The row index (from 0).
    public let row: Int
    /// The column index (from 0).
    public let column: Int

    /// The entry (row, column).
    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }

    public var description: String { "(\(row), \(column))" }
}

/// A parametrized linear system A(μ) u = f(μ) known only through its assembled matrices: what an
/// external solver hands out (no affine decomposition, no access to its assembly). The
/// nonintrusive reduced basis (`NonintrusiveReducedBasis`) reduces any conforming type.
///
/// Conforming: `ClosureMatrixFamily` (closures over an assembler, with an optional entry
/// evaluator), `MatrixMarketFamily` (a folder of `.mtx` files and a `parameters.csv`, as an
/// external code writes them), and `ProblemMatrixFamily` (any `ParametricProblem`).
///
/// `entries(at:positions:)` is what the online stage needs: the empirical interpolation of A(μ)
/// reads d of its entries ("magic entries"). A family that can compute single entries cheaply
/// (by integrating over the few cells that touch them) returns them; the default assembles A(μ)
/// and reads them, which is exact but costs an assembly.
public protocol MatrixFamily {
    /// The scalar of A(μ) and f(μ): `Double` or `Complex<Double>`.
    associatedtype Element: Scalar = Double
    /// The parameter box.
    var parameterSpace: ParameterSpace { get }
    /// The order n of A(μ).
    var order: Int { get }
    /// A(μ), assembled.
    func matrix(at mu: Parameter) throws -> CSRMatrix<Element>
    /// f(μ).
    func rightHandSide(at mu: Parameter) throws -> [Element]
    /// A(μ) at `positions` (in their order).
    func entries(at mu: Parameter, positions: [MatrixPosition]) throws -> [Element]
    /// f(μ) at `indices` (in their order).
    func rightHandSideEntries(at mu: Parameter, indices: [Int]) throws -> [Element]
    /// Whether `entries` costs less than an assembly (a model then reads entries online).
    var evaluatesEntriesCheaply: Bool { get }
}

extension MatrixFamily {
    /// Assembles A(μ) and reads the entries (a position outside the pattern reads 0).
    public func entries(at mu: Parameter, positions: [MatrixPosition]) throws -> [Element] {
        try assembledEntries(at: mu, positions: positions)
    }

    /// Forms f(μ) and reads the entries.
    public func rightHandSideEntries(at mu: Parameter, indices: [Int]) throws -> [Element] {
        try formedRightHandSideEntries(at: mu, indices: indices)
    }

    /// Entries cost an assembly.
    public var evaluatesEntriesCheaply: Bool { false }

    /// The entries of the assembled A(μ): the default, and the fallback of families whose
    /// entry evaluator is optional.
    func assembledEntries(at mu: Parameter, positions: [MatrixPosition]) throws -> [Element] {
        try matrix(at: mu).entries(checked: positions)
    }

    /// The entries of the formed f(μ), indices checked.
    func formedRightHandSideEntries(at mu: Parameter, indices: [Int]) throws -> [Element] {
        let f = try rightHandSide(at: mu)
        return try indices.map { i in
            guard i >= 0, i < f.count else { throw ROMError.invalidOption(name: "right-hand side index", detail: "\(i) is outside 0..<\(f.count)") }
            return f[i]
        }
    }
}

extension CSRMatrix {
    /// The entries at `positions`, 0 where the pattern has none; throws for a position outside the matrix.
    func entries(checked positions: [MatrixPosition]) throws -> [Element] {
        for p in positions where p.row < 0 || p.row >= rows || p.column < 0 || p.column >= columns {
            throw ROMError.invalidOption(name: "matrix entry", detail: "\(p) is outside the \(rows)×\(columns) matrix")
        }
        return entries(at: positions.map { (row: $0.row, column: $0.column) })
    }
}

/// A matrix family given by closures: typically over a finite element assembler.
public struct ClosureMatrixFamily<Element: Scalar>: MatrixFamily {
    public let parameterSpace: ParameterSpace
    public let order: Int
    private let assemble: (Parameter) throws -> CSRMatrix<Element>
    private let load: (Parameter) throws -> [Element]
    private let entryEvaluator: ((Parameter, [MatrixPosition]) throws -> [Element])?
    private let loadEntryEvaluator: ((Parameter, [Int]) throws -> [Element])?

    /// A family from `matrix(μ)` and `rightHandSide(μ)`; `entries(μ, positions)` and
    /// `rightHandSideEntries(μ, indices)`, when given, compute entries without assembling
    /// everything (they must agree with the assembled values).
    public init(parameterSpace: ParameterSpace, order: Int,
                matrix: @escaping (Parameter) throws -> CSRMatrix<Element>,
                rightHandSide: @escaping (Parameter) throws -> [Element],
                entries: ((Parameter, [MatrixPosition]) throws -> [Element])? = nil,
                rightHandSideEntries: ((Parameter, [Int]) throws -> [Element])? = nil) {
        self.parameterSpace = parameterSpace
        self.order = order
        assemble = matrix
        load = rightHandSide
        entryEvaluator = entries
        loadEntryEvaluator = rightHandSideEntries
    }

    public func matrix(at mu: Parameter) throws -> CSRMatrix<Element> { try assemble(mu) }
    public func rightHandSide(at mu: Parameter) throws -> [Element] { try load(mu) }

    public func entries(at mu: Parameter, positions: [MatrixPosition]) throws -> [Element] {
        if let entryEvaluator { return try entryEvaluator(mu, positions) }
        return try assembledEntries(at: mu, positions: positions)
    }

    public func rightHandSideEntries(at mu: Parameter, indices: [Int]) throws -> [Element] {
        if let loadEntryEvaluator { return try loadEntryEvaluator(mu, indices) }
        return try formedRightHandSideEntries(at: mu, indices: indices)
    }

    /// True when an entry evaluator was given.
    public var evaluatesEntriesCheaply: Bool { entryEvaluator != nil }
}

/// Any `ParametricProblem` as a matrix family: its A(μ) and f(μ), nothing of its structure.
public struct ProblemMatrixFamily<Problem: ParametricProblem>: MatrixFamily {
    /// The problem.
    public let problem: Problem
    /// Adopts `problem`.
    public init(_ problem: Problem) { self.problem = problem }
    public var parameterSpace: ParameterSpace { problem.parameterSpace }
    public var order: Int { problem.dimension }
    public func matrix(at mu: Parameter) throws -> CSRMatrix<Problem.Element> { try problem.matrix(at: mu) }
    public func rightHandSide(at mu: Parameter) throws -> [Problem.Element] { try problem.rightHandSide(at: mu) }
}

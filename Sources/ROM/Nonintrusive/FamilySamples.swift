import LinearAlgebra

/// A matrix family sampled at training parameters, every matrix put on the union of their
/// sparsity patterns (an entry absent from one matrix is a stored zero there), so that a matrix
/// is a vector of values and an interpolation of matrices is one of vectors.
public struct FamilySamples<Element: Scalar>: Sendable {
    /// The parameter box of the family.
    public let parameterSpace: ParameterSpace
    /// The training parameters.
    public let parameters: [Parameter]
    /// The union pattern, with zero values.
    public let pattern: CSRMatrix<Element>
    /// A(μ_j) on the union pattern: `values[j]` has `pattern.nonzeroCount` entries in CSR order.
    public let values: [[Element]]
    /// f(μ_j).
    public let rightHandSides: [[Element]]

    /// The order n.
    public var order: Int { pattern.rows }

    /// A(μ_j) as a sparse matrix.
    public func matrix(_ j: Int) -> CSRMatrix<Element> { pattern.withValues(values[j]) }

    /// Samples `family` at `parameters` (assembling one matrix after the other); `progress` is
    /// called with the number done. Throws for a matrix or vector of the wrong size, or NaN.
    public init<Family: MatrixFamily>(family: Family, parameters: [Parameter],
                                      progress: ((Int) -> Void)? = nil) throws where Family.Element == Element {
        guard !parameters.isEmpty else { throw ROMError.empty(what: "training set of the matrix family") }
        var matrices: [CSRMatrix<Element>] = [], loads: [[Element]] = []
        for (j, mu) in parameters.enumerated() {
            try family.parameterSpace.validate(mu)
            matrices.append(try family.matrix(at: mu))
            loads.append(try family.rightHandSide(at: mu))
            progress?(j + 1)
        }
        try self.init(parameterSpace: family.parameterSpace, parameters: parameters, matrices: matrices, rightHandSides: loads,
                      names: parameters.indices.map { "A(μ_\($0)) at \(parameters[$0])" })
    }

    /// Samples given as matrices and vectors; `names[j]` names sample j in errors (its file).
    /// The parameter box defaults to the smallest one holding the parameters (components
    /// named mu_0, mu_1, …).
    public init(parameterSpace: ParameterSpace? = nil, parameters: [Parameter], matrices: [CSRMatrix<Element>],
                rightHandSides: [[Element]], names: [String]) throws {
        guard let first = matrices.first, let firstParameter = parameters.first else { throw ROMError.empty(what: "training set of the matrix family") }
        if let parameterSpace {
            self.parameterSpace = parameterSpace
        } else {
            let dim = firstParameter.count
            for (j, mu) in parameters.enumerated() where mu.count != dim {
                throw ROMError.dimensionMismatch(what: "components of training parameter \(j)", expected: dim, found: mu.count)
            }
            let lower = (0..<dim).map { i in parameters.map { $0[i] }.min()! }
            let upper = (0..<dim).map { i in parameters.map { $0[i] }.max()! }
            self.parameterSpace = try ParameterSpace(names: (0..<dim).map { "mu_\($0)" }, lower: lower, upper: upper)
        }
        for mu in parameters { try self.parameterSpace.validate(mu) }
        guard matrices.count == parameters.count, rightHandSides.count == parameters.count, names.count == parameters.count else {
            throw ROMError.dimensionMismatch(what: "matrices and right-hand sides per training parameter", expected: parameters.count,
                                             found: matrices.count == parameters.count ? rightHandSides.count : matrices.count)
        }
        let n = first.rows
        for (j, a) in matrices.enumerated() {
            guard a.rows == n, a.columns == n else {
                throw ROMError.invalidOption(name: "matrix family", detail: "\(names[j]) is \(a.rows)×\(a.columns), \(names[0]) is \(n)×\(n) (square matrices of one order expected)")
            }
            if let bad = a.values.firstIndex(where: { !$0.isFinite }) { throw ROMError.notFinite(what: names[j], index: bad) }
            guard rightHandSides[j].count == n else {
                throw ROMError.invalidOption(name: "matrix family", detail: "the right-hand side of \(names[j]) has \(rightHandSides[j].count) entries, the matrix order is \(n)")
            }
            if let bad = rightHandSides[j].firstIndex(where: { !$0.isFinite }) {
                throw ROMError.notFinite(what: "the right-hand side of \(names[j])", index: bad)
            }
        }
        self.parameters = parameters
        let union = Self.unionPattern(matrices)
        pattern = union
        values = try matrices.map { $0.hasSamePattern(as: union) ? $0.values : try $0.values(on: union) }
        self.rightHandSides = rightHandSides
    }

    /// The samples whose parameters lie in `box` (a sub-box of the family's), on the same pattern,
    /// with `box` as their parameter space: the training set of a subdomain. Throws
    /// `ROMError.empty` when none lies in it.
    public func restricted(to box: ParameterSpace) throws -> FamilySamples {
        let kept = parameters.indices.filter { (try? box.validate(parameters[$0])) != nil }
        guard !kept.isEmpty else { throw ROMError.empty(what: "training set of the subdomain \(zip(box.lower, box.upper).map { "[\($0), \($1)]" }.joined(separator: " × "))") }
        return FamilySamples(parameterSpace: box, parameters: kept.map { parameters[$0] }, pattern: pattern,
                             values: kept.map { values[$0] }, rightHandSides: kept.map { rightHandSides[$0] })
    }

    private init(parameterSpace: ParameterSpace, parameters: [Parameter], pattern: CSRMatrix<Element>, values: [[Element]],
                 rightHandSides: [[Element]]) {
        self.parameterSpace = parameterSpace
        self.parameters = parameters
        self.pattern = pattern
        self.values = values
        self.rightHandSides = rightHandSides
    }

    /// The union of the patterns, rows sorted.
    static func unionPattern(_ matrices: [CSRMatrix<Element>]) -> CSRMatrix<Element> {
        let first = matrices[0]
        if matrices.allSatisfy({ $0.hasSamePattern(as: first) }) { return first.withValues([Element](repeating: .zero, count: first.nonzeroCount)) }
        let n = first.rows
        var pointers = [0], columns: [Int] = []
        var mark = [Int](repeating: -1, count: n)
        var row: [Int] = []
        for i in 0..<n {
            row.removeAll(keepingCapacity: true)
            for a in matrices {
                for k in a.rowPointers[i]..<a.rowPointers[i + 1] where mark[a.columnIndices[k]] != i {
                    mark[a.columnIndices[k]] = i
                    row.append(a.columnIndices[k])
                }
            }
            row.sort()
            columns.append(contentsOf: row)
            pointers.append(columns.count)
        }
        return CSRMatrix(rows: n, columns: n, rowPointers: pointers, columnIndices: columns,
                         values: [Element](repeating: .zero, count: columns.count))
    }
}

extension CSRMatrix {
    /// The values on `pattern` (a union of patterns holding this one); throws when this matrix
    /// stores a nonzero outside it.
    func values(on pattern: CSRMatrix) throws -> [Element] {
        var v = [Element](repeating: .zero, count: pattern.nonzeroCount)
        for i in 0..<rows {
            for k in rowPointers[i]..<rowPointers[i + 1] {
                guard let slot = pattern.index(row: i, column: columnIndices[k]) else {
                    if values[k] == .zero { continue }
                    throw ROMError.invalidOption(name: "matrix", detail: "entry (\(i), \(columnIndices[k])) lies outside the pattern of the training matrices")
                }
                v[slot] += values[k]
            }
        }
        return v
    }

    /// This pattern with other values (CSR order).
    func withValues(_ newValues: [Element]) -> CSRMatrix {
        CSRMatrix(rows: rows, columns: columns, rowPointers: rowPointers, columnIndices: columnIndices, values: newValues)
    }
}

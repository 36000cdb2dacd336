import LinearAlgebra

/// The CSR sparsity pattern of a finite-element operator and its scatter map, computed once from
/// the dof map and shared by every operator assembled on the same space (mass, stiffness, each
/// affine term, boundary terms).
///
/// `scatter[(L * cell + i) * L + j]` is the position in `values` of the entry (dof i, dof j) of
/// `cell`'s L×L element matrix, so assembly is a loop of `values[scatter[k]] += local[k]`.
public struct SparsityPattern: Sendable {
    /// Number of rows and columns (the dof count).
    public let size: Int
    /// CSR row starts (`size + 1` entries).
    public let rowPointers: [Int]
    /// CSR column indices, ascending in each row.
    public let columnIndices: [Int]
    /// Local dofs per cell.
    public let localCount: Int
    /// Element-entry → value-position map, `localCount²` per cell.
    public let scatter: [Int32]

    /// Builds the pattern of the cells' dof lists (`localCount` dofs per cell, dofs in `0..<size`):
    /// entry (i, j) is stored when some cell holds both i and j.
    public init(cellDofs: [Int], localCount: Int, size: Int) {
        precondition(localCount > 0 && cellDofs.count % localCount == 0, "SparsityPattern: \(cellDofs.count) dofs, \(localCount) per cell")
        let L = localCount, cellCount = cellDofs.count / L
        self.size = size
        self.localCount = L
        // dof → (cell, local index) incidences, as flat positions into cellDofs.
        var start = [Int](repeating: 0, count: size + 1)
        for dof in cellDofs { start[dof + 1] += 1 }
        for i in 0..<size { start[i + 1] += start[i] }
        var incidence = [Int](repeating: 0, count: cellDofs.count)
        var next = start
        for (k, dof) in cellDofs.enumerated() { incidence[next[dof]] = k; next[dof] += 1 }

        var pointers = [Int](repeating: 0, count: size + 1)
        var columns = [Int]()
        columns.reserveCapacity(cellDofs.count * L / 3)
        var scatter = [Int32](repeating: 0, count: cellCount * L * L)
        var seen = [Int](repeating: -1, count: size)
        var position = [Int](repeating: 0, count: size)
        var row = [Int]()
        row.reserveCapacity(64)
        cellDofs.withUnsafeBufferPointer { dofs in
            incidence.withUnsafeBufferPointer { incidence in
                scatter.withUnsafeMutableBufferPointer { scatter in
                    for i in 0..<size {
                        row.removeAll(keepingCapacity: true)
                        for p in start[i]..<start[i + 1] {
                            let first = incidence[p] - incidence[p] % L
                            for b in 0..<L where seen[dofs[first + b]] != i {
                                seen[dofs[first + b]] = i
                                row.append(dofs[first + b])
                            }
                        }
                        Self.insertionSort(&row)
                        let rowStart = columns.count
                        for (offset, column) in row.enumerated() { position[column] = rowStart + offset }
                        columns.append(contentsOf: row)
                        pointers[i + 1] = columns.count
                        for p in start[i]..<start[i + 1] {
                            let k = incidence[p], first = k - k % L
                            for b in 0..<L { scatter[k * L + b] = Int32(truncatingIfNeeded: position[dofs[first + b]]) }
                        }
                    }
                }
            }
        }
        precondition(columns.count < Int(Int32.max), "SparsityPattern: \(columns.count) entries exceed the 32-bit scatter map")
        rowPointers = pointers
        columnIndices = columns
        self.scatter = scatter
    }

    /// Number of stored entries.
    public var nonzeroCount: Int { columnIndices.count }

    /// A matrix with this pattern and `values` (zeros when nil).
    public func matrix(values: [Double]? = nil) -> SparseMatrix {
        SparseMatrix(rows: size, columns: size, rowPointers: rowPointers, columnIndices: columnIndices,
                     values: values ?? [Double](repeating: 0, count: nonzeroCount))
    }

    /// Position of entry (i, j) in the values, or nil when not stored.
    public func index(row i: Int, column j: Int) -> Int? {
        var low = rowPointers[i], high = rowPointers[i + 1]
        while low < high {
            let mid = (low + high) / 2
            if columnIndices[mid] == j { return mid }
            if columnIndices[mid] < j { low = mid + 1 } else { high = mid }
        }
        return nil
    }

    static func insertionSort(_ a: inout [Int]) {
        guard a.count > 1 else { return }
        for i in 1..<a.count {
            let x = a[i]
            var j = i - 1
            while j >= 0 && a[j] > x { a[j + 1] = a[j]; j -= 1 }
            a[j + 1] = x
        }
    }
}

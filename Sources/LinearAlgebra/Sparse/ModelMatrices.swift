extension SparseMatrix {
    /// The 1D Laplacian tridiag(−1, 2, −1) of order `n` (finite differences, Dirichlet ends, unscaled).
    /// Its eigenvalues are 2 − 2 cos(kπ/(n+1)), k = 1…n.
    public static func laplacian1D(_ n: Int) -> SparseMatrix {
        var builder = SparseBuilder<Double>(rows: n, columns: n, reservingCapacity: 3 * n)
        for i in 0..<n {
            if i > 0 { builder.add(i, i - 1, -1) }
            builder.add(i, i, 2)
            if i + 1 < n { builder.add(i, i + 1, -1) }
        }
        return builder.build()
    }

    /// The 5-point Laplacian on an n×n grid of interior points (Dirichlet boundary, unscaled):
    /// order n², 4 on the diagonal, −1 for each grid neighbour. Built directly in CSR.
    public static func laplacian2D(_ n: Int) -> SparseMatrix {
        let order = n * n
        var rowPointers = [Int](repeating: 0, count: order + 1)
        var columnIndices = [Int]()
        var values = [Double]()
        columnIndices.reserveCapacity(5 * order)
        values.reserveCapacity(5 * order)
        for y in 0..<n {
            for x in 0..<n {
                let i = x + y * n
                if y > 0 { columnIndices.append(i - n); values.append(-1) }
                if x > 0 { columnIndices.append(i - 1); values.append(-1) }
                columnIndices.append(i); values.append(4)
                if x + 1 < n { columnIndices.append(i + 1); values.append(-1) }
                if y + 1 < n { columnIndices.append(i + n); values.append(-1) }
                rowPointers[i + 1] = columnIndices.count
            }
        }
        return SparseMatrix(rows: order, columns: order, rowPointers: rowPointers, columnIndices: columnIndices, values: values)
    }
}

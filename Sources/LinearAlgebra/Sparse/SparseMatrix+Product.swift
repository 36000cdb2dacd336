extension CSRMatrix where Element == Double {
    /// A · diag(d) · B (d nil: A · B) by Gustavson's row-by-row product with a dense accumulator:
    /// e.g. the K M_L⁻¹ K of a Matérn precision matrix (M_L the lumped mass). Column indices of
    /// each row come out increasing; entries that cancel to zero are kept (the pattern is structural).
    public func multiplied(by b: CSRMatrix<Double>, scaling d: [Double]? = nil) throws -> CSRMatrix<Double> {
        guard columns == b.rows else {
            throw LinearAlgebraError.dimensionMismatch(what: "sparse product", expected: "\(columns) rows", found: "\(b.rows) rows")
        }
        if let d, d.count != columns {
            throw LinearAlgebraError.dimensionMismatch(what: "sparse product scaling", expected: "\(columns)", found: "\(d.count)")
        }
        var pointers = [Int](repeating: 0, count: rows + 1)
        var indices: [Int] = [], values: [Double] = []
        var accumulator = [Double](repeating: 0, count: b.columns)
        var marker = [Int](repeating: -1, count: b.columns)
        var touched: [Int] = []
        for i in 0..<rows {
            touched.removeAll(keepingCapacity: true)
            for k in self.rowPointers[i]..<self.rowPointers[i + 1] {
                let j = columnIndices[k]
                let a = self.values[k] * (d?[j] ?? 1)
                for l in b.rowPointers[j]..<b.rowPointers[j + 1] {
                    let c = b.columnIndices[l]
                    if marker[c] != i { marker[c] = i; accumulator[c] = 0; touched.append(c) }
                    accumulator[c] += a * b.values[l]
                }
            }
            touched.sort()
            for c in touched { indices.append(c); values.append(accumulator[c]) }
            pointers[i + 1] = indices.count
        }
        return CSRMatrix(rows: rows, columns: b.columns, rowPointers: pointers, columnIndices: indices, values: values)
    }
}

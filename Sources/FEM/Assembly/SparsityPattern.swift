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
        // dof → (cell, local index) incidences, as flat positions into cellDofs (a counting sort).
        var start = [Int](repeating: 0, count: size + 1)
        var incidence = [Int](unsafeUninitializedCapacity: cellDofs.count) { _, count in count = cellDofs.count }
        cellDofs.withUnsafeBufferPointer { dofs in
            start.withUnsafeMutableBufferPointer { start in
                for dof in dofs {
                    precondition(dof >= 0 && dof < size, "SparsityPattern: dof \(dof) outside 0..<\(size)")
                    start[dof + 1] += 1
                }
                for i in 0..<size { start[i + 1] += start[i] }
                var next = Array(start)
                next.withUnsafeMutableBufferPointer { next in
                    incidence.withUnsafeMutableBufferPointer { incidence in
                        for k in 0..<dofs.count { incidence[next[dofs[k]]] = k; next[dofs[k]] += 1 }
                    }
                }
            }
        }
        // Rows in parallel parts: each part builds its rows' columns and the scatter entries of its
        // incidences (positions local to the part), then the parts are concatenated and shifted.
        let parts = max(1, min(Parallelism.threadCount, size / 4096))
        let chunks = PartResults(count: parts)
        // Every entry is written below (each (cell, local row) incidence belongs to one row).
        var scatter = [Int32](unsafeUninitializedCapacity: cellCount * L * L) { _, count in count = cellCount * L * L }
        scatter.withUnsafeMutableBufferPointer { scatterBuffer in
            let scatterOut = UncheckedSendable(scatterBuffer)
            cellDofs.withUnsafeBufferPointer { dofs in
            start.withUnsafeBufferPointer { start in
            incidence.withUnsafeBufferPointer { incidence in
                Parallelism.forEachChunk(of: parts, chunks: parts) { partRange in
                    for part in partRange {
                        let rows = (size * part / parts)..<(size * (part + 1) / parts)
                        chunks.store(part, Self.buildRows(rows, dofs: dofs, start: start, incidence: incidence,
                                                          localCount: L, size: size, scatter: scatterOut.value))
                    }
                }
            }}}
        }
        var pointers = [Int](repeating: 0, count: size + 1)
        var columns = [Int]()
        columns.reserveCapacity(chunks.results.reduce(0) { $0 + $1.columns.count })
        var bases = [Int]()
        for part in 0..<parts {
            let chunk = chunks.results[part]
            let base = columns.count, firstRow = size * part / parts
            bases.append(base)
            for (r, end) in chunk.rowEnds.enumerated() { pointers[firstRow + r + 1] = base + end }
            columns.append(contentsOf: chunk.columns)
        }
        precondition(columns.count < Int(Int32.max), "SparsityPattern: \(columns.count) entries exceed the 32-bit scatter map")
        if parts > 1 {
            scatter.withUnsafeMutableBufferPointer { scatterBuffer in
                let out = UncheckedSendable(scatterBuffer)
                start.withUnsafeBufferPointer { start in
                incidence.withUnsafeBufferPointer { incidence in
                    Parallelism.forEachChunk(of: parts, chunks: parts) { partRange in
                        for part in partRange where bases[part] > 0 {
                            let shift = Int32(bases[part])
                            let rows = (size * part / parts)..<(size * (part + 1) / parts)
                            for p in start[rows.lowerBound]..<start[rows.upperBound] {
                                let k = incidence[p]
                                for b in 0..<L { out.value[k * L + b] += shift }
                            }
                        }
                    }
                }}
            }
        }
        rowPointers = pointers
        columnIndices = columns
        self.scatter = scatter
    }

    /// The columns of `rows` (positions local to this part) and the scatter entries of their
    /// incidences.
    private static func buildRows(_ rows: Range<Int>, dofs: UnsafeBufferPointer<Int>, start: UnsafeBufferPointer<Int>,
                                  incidence: UnsafeBufferPointer<Int>, localCount L: Int, size: Int,
                                  scatter: UnsafeMutableBufferPointer<Int32>) -> (columns: [Int], rowEnds: [Int]) {
        let seen = UnsafeMutableBufferPointer<Int>.allocate(capacity: size)
        let position = UnsafeMutableBufferPointer<Int32>.allocate(capacity: size)
        let rowBuffer = UnsafeMutableBufferPointer<Int>.allocate(capacity: 64 * L)
        defer { seen.deallocate(); position.deallocate(); rowBuffer.deallocate() }
        seen.initialize(repeating: -1)
        var columns = [Int](), rowEnds = [Int]()
        columns.reserveCapacity((start[rows.upperBound] - start[rows.lowerBound]) * L / 2)
        rowEnds.reserveCapacity(rows.count)
        var row = rowBuffer
        for i in rows {
            var length = 0
            let incidenceCount = start[i + 1] - start[i]
            if incidenceCount * L > row.count {
                if row.baseAddress != rowBuffer.baseAddress { row.deallocate() }
                row = .allocate(capacity: incidenceCount * L)
            }
            for p in start[i]..<start[i + 1] {
                let first = incidence[p] - incidence[p] % L
                for b in 0..<L {
                    let column = dofs[first + b]
                    if seen[column] != i { seen[column] = i; row[length] = column; length += 1 }
                }
            }
            // Insertion sort: rows hold a few dozen columns.
            for x in 1..<max(length, 1) {
                let value = row[x]
                var y = x - 1
                while y >= 0 && row[y] > value { row[y + 1] = row[y]; y -= 1 }
                row[y + 1] = value
            }
            let rowStart = columns.count
            for offset in 0..<length { position[row[offset]] = Int32(truncatingIfNeeded: rowStart + offset) }
            columns.append(contentsOf: UnsafeBufferPointer(rebasing: row[0..<length]))
            rowEnds.append(columns.count)
            for p in start[i]..<start[i + 1] {
                let k = incidence[p], first = k - k % L
                for b in 0..<L { scatter[k * L + b] = position[dofs[first + b]] }
            }
        }
        if row.baseAddress != rowBuffer.baseAddress { row.deallocate() }
        return (columns, rowEnds)
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

}

/// Per-part results written by concurrent parts into distinct slots (raw storage: concurrent
/// writes into one Swift array property would be overlapping accesses).
final class PartResults: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<(columns: [Int], rowEnds: [Int])>
    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: ([], []))
    }
    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }
    var results: UnsafeMutableBufferPointer<(columns: [Int], rowEnds: [Int])> { slots }
    func store(_ part: Int, _ result: (columns: [Int], rowEnds: [Int])) { slots[part] = result }
}


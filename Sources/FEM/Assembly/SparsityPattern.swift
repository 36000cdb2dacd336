import LinearAlgebra
import Synchronization

/// The CSR sparsity pattern of a finite-element operator, computed once from the dof map and
/// shared by every operator assembled on the same space (mass, stiffness, each affine term,
/// boundary terms), with the dof → cell incidences that built it and, on first use, the scatter
/// map of the element matrices.
///
/// `scatter[(L * cell + i) * L + j]` is the position in `values` of the entry (dof i, dof j) of
/// `cell`'s L×L element matrix, so a cell-by-cell assembly is a loop of
/// `values[scatter[k]] += local[k]`. The closed-form P1 kernel on triangles assembles row by row
/// from the incidences instead and never builds it.
public struct SparsityPattern: Sendable {
    /// Number of rows and columns (the dof count).
    public let size: Int
    /// CSR row starts (`size + 1` entries).
    public let rowPointers: [Int]
    /// CSR column indices, ascending in each row.
    public let columnIndices: [Int]
    /// Local dofs per cell.
    public let localCount: Int
    /// The cells' dofs the pattern was built from (`localCount` per cell).
    let cellDofs: [Int]
    /// The positions k in `cellDofs` holding dof i (cell k / L, local dof k % L), ascending, are
    /// `incidences[incidenceStarts[i] ..< incidenceStarts[i + 1]]`.
    let incidenceStarts: [Int]
    let incidences: [Int32]
    /// The rows split into one part per thread.
    let rowParts: [Range<Int>]
    private let scatterCache = ScatterCache()

    /// Element-entry → value-position map, `localCount²` per cell: built on first use (one pass
    /// over the incidences, in parallel) and kept.
    public var scatter: [Int32] {
        scatterCache.slot.withLock { cached in
            if let cached { return cached }
            let built = buildScatter()
            cached = built
            return built
        }
    }

    /// Builds the pattern of the cells' dof lists (`localCount` dofs per cell, dofs in `0..<size`):
    /// entry (i, j) is stored when some cell holds both i and j.
    ///
    /// Rows are split into parts, one per thread, and every step runs part by part in parallel:
    /// the dof → (cell, local index) incidences by a counting sort (each part sorts the dofs of
    /// its rows), the length of each row, then, at offsets known from the lengths, each row's
    /// sorted columns, written once into their final array (advised for huge pages: a cold
    /// assembly touches it for the first time).
    public init(cellDofs: [Int], localCount: Int, size: Int) {
        precondition(localCount > 0 && cellDofs.count % localCount == 0, "SparsityPattern: \(cellDofs.count) dofs, \(localCount) per cell")
        precondition(cellDofs.count < Int(Int32.max), "SparsityPattern: \(cellDofs.count) cell dofs exceed the 32-bit incidence map")
        let L = localCount
        self.size = size
        self.localCount = L
        self.cellDofs = cellDofs
        let parts = max(1, min(Parallelism.threadCount, size / 4096))
        let partRows = (0..<parts).map { (size * $0 / parts)..<(size * ($0 + 1) / parts) }
        rowParts = partRows
        var pointers = [Int](repeating: 0, count: size + 1)
        var start = [Int](repeating: 0, count: size + 1)
        var columns = [Int]()
        let incidence = cellDofs.withUnsafeBufferPointer { dofs in
            // 1. Incidences: start[i] ..< start[i + 1] index the positions in cellDofs holding dof i.
            let incidence = start.withUnsafeMutableBufferPointer { startBuffer in
                let starts = UncheckedSendable(startBuffer)
                Parallelism.forEachChunk(of: parts, chunks: parts) { range in
                    for part in range {
                        let rows = partRows[part]
                        for dof in dofs {
                            precondition(dof >= 0 && dof < size, "SparsityPattern: dof \(dof) outside 0..<\(size)")
                            if rows.contains(dof) { starts.value[dof + 1] += 1 }
                        }
                    }
                }
                for i in 0..<size { startBuffer[i + 1] += startBuffer[i] }
                return [Int32](hugePagesUninitializedCount: dofs.count) { incidenceBuffer in
                    let out = UncheckedSendable(incidenceBuffer)
                    Parallelism.forEachChunk(of: parts, chunks: parts) { range in
                        for part in range {
                            let rows = partRows[part]
                            let next = UnsafeMutableBufferPointer<Int>.allocate(capacity: rows.count)
                            defer { next.deallocate() }
                            _ = next.initialize(from: starts.value[rows])
                            for k in 0..<dofs.count where rows.contains(dofs[k]) {
                                let slot = dofs[k] - rows.lowerBound
                                out.value[next[slot]] = Int32(truncatingIfNeeded: k)
                                next[slot] += 1
                            }
                        }
                    }
                }
            }
            start.withUnsafeBufferPointer { start in
                incidence.withUnsafeBufferPointer { incidence in
                    // 2. Row lengths (into pointers[i + 1]), then the row starts.
                    pointers.withUnsafeMutableBufferPointer { pointerBuffer in
                        let lengths = UncheckedSendable(pointerBuffer)
                        Parallelism.forEachChunk(of: parts, chunks: parts) { range in
                            for part in range {
                                Self.countRows(partRows[part], dofs: dofs, start: start, incidence: incidence, localCount: L,
                                               size: size, lengths: lengths.value)
                            }
                        }
                        for i in 0..<size { pointerBuffer[i + 1] += pointerBuffer[i] }
                    }
                    precondition(pointers[size] < Int(Int32.max), "SparsityPattern: \(pointers[size]) entries exceed the 32-bit scatter map")
                    // 3. The columns, at their final places.
                    pointers.withUnsafeBufferPointer { pointers in
                        columns = [Int](hugePagesUninitializedCount: pointers[size]) { columnBuffer in
                            let columnsOut = UncheckedSendable(columnBuffer)
                            Parallelism.forEachChunk(of: parts, chunks: parts) { range in
                                for part in range {
                                    Self.fillRows(partRows[part], dofs: dofs, start: start, incidence: incidence, localCount: L,
                                                  size: size, pointers: pointers, columns: columnsOut.value)
                                }
                            }
                        }
                    }
                }
            }
            return incidence
        }
        rowPointers = pointers
        columnIndices = columns
        incidenceStarts = start
        incidences = incidence
    }

    /// The scatter map: per part of the rows, each row's column positions are marked, then every
    /// incidence of the row writes the positions of its cell's dofs.
    private func buildScatter() -> [Int32] {
        let L = localCount, size = size
        return [Int32](hugePagesUninitializedCount: cellDofs.count * L) { scatterBuffer in
            let out = UncheckedSendable(scatterBuffer)
            Parallelism.forEachChunk(of: rowParts.count, chunks: rowParts.count) { range in
                cellDofs.withUnsafeBufferPointer { dofs in
                incidenceStarts.withUnsafeBufferPointer { start in
                incidences.withUnsafeBufferPointer { incidence in
                rowPointers.withUnsafeBufferPointer { pointers in
                columnIndices.withUnsafeBufferPointer { columns in
                    let position = UnsafeMutableBufferPointer<Int32>.allocate(capacity: size)
                    defer { position.deallocate() }
                    for part in range {
                        for i in rowParts[part] {
                            for offset in pointers[i]..<pointers[i + 1] { position[columns[offset]] = Int32(truncatingIfNeeded: offset) }
                            for p in start[i]..<start[i + 1] {
                                let k = Int(incidence[p]), first = k - k % L
                                for b in 0..<L { out.value[k * L + b] = position[dofs[first + b]] }
                            }
                        }
                    }
                }}}}}
            }
        }
    }

    /// The number of distinct columns of each row of `rows`, into `lengths[i + 1]`.
    private static func countRows(_ rows: Range<Int>, dofs: UnsafeBufferPointer<Int>, start: UnsafeBufferPointer<Int>,
                                  incidence: UnsafeBufferPointer<Int32>, localCount L: Int, size: Int,
                                  lengths: UnsafeMutableBufferPointer<Int>) {
        let seen = UnsafeMutableBufferPointer<Int32>.allocate(capacity: size)
        defer { seen.deallocate() }
        seen.initialize(repeating: -1)
        for i in rows {
            let row = Int32(truncatingIfNeeded: i)
            var length = 0
            for p in start[i]..<start[i + 1] {
                let k = Int(incidence[p]), first = k - k % L
                for b in 0..<L where seen[dofs[first + b]] != row {
                    seen[dofs[first + b]] = row
                    length += 1
                }
            }
            lengths[i + 1] = length
        }
    }

    /// The sorted columns of each row of `rows` at `pointers[i]`.
    private static func fillRows(_ rows: Range<Int>, dofs: UnsafeBufferPointer<Int>, start: UnsafeBufferPointer<Int>,
                                 incidence: UnsafeBufferPointer<Int32>, localCount L: Int, size: Int, pointers: UnsafeBufferPointer<Int>,
                                 columns: UnsafeMutableBufferPointer<Int>) {
        let seen = UnsafeMutableBufferPointer<Int32>.allocate(capacity: size)
        defer { seen.deallocate() }
        seen.initialize(repeating: -1)
        for i in rows {
            let row = Int32(truncatingIfNeeded: i), rowStart = pointers[i]
            var length = 0
            for p in start[i]..<start[i + 1] {
                let k = Int(incidence[p]), first = k - k % L
                for b in 0..<L where seen[dofs[first + b]] != row {
                    seen[dofs[first + b]] = row
                    columns[rowStart + length] = dofs[first + b]
                    length += 1
                }
            }
            // Insertion sort: rows hold a few dozen columns.
            for x in (rowStart + 1)..<max(rowStart + length, rowStart + 1) {
                let value = columns[x]
                var y = x - 1
                while y >= rowStart && columns[y] > value { columns[y + 1] = columns[y]; y -= 1 }
                columns[y + 1] = value
            }
        }
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

/// The scatter map once built (shared by the copies of a pattern).
private final class ScatterCache: Sendable {
    let slot = Mutex<[Int32]?>(nil)
}

import CMPI

/// Collectives over buffers of `Double`, `Complex<Double>` and `Int`. Every rank of the
/// communicator must call the same collective in the same order; lengths that must agree are
/// checked and a mismatch is thrown, naming the rank.
extension Communicator {
    /// Replaces each value by its reduction over all ranks, in place (`MPI_Allreduce`).
    public func allreduce<T: MPIElement>(_ values: UnsafeMutableBufferPointer<T>, _ operation: ReductionOperation = .sum) throws {
        if size == 1 || values.isEmpty { return }
        let n = try count(values.count, "MPI_Allreduce")
        try check(MPI_Allreduce(UnsafeRawPointer(cmpi_in_place()), values.baseAddress, n, T.mpiDatatype, operation.handle, handle),
                  "MPI_Allreduce")
    }

    /// Each value reduced over all ranks (`MPI_Allreduce`).
    public func allreduce<T: MPIElement>(_ values: [T], _ operation: ReductionOperation = .sum) throws -> [T] {
        var result = values
        try result.withUnsafeMutableBufferPointer { try allreduce($0, operation) }
        return result
    }

    /// One value reduced over all ranks.
    public func allreduce<T: MPIElement>(_ value: T, _ operation: ReductionOperation = .sum) throws -> T {
        try allreduce([value], operation)[0]
    }

    /// The values reduced over all ranks, on `root` (other ranks get their input back) (`MPI_Reduce`).
    public func reduce<T: MPIElement>(_ values: [T], _ operation: ReductionOperation = .sum, root: Int = 0) throws -> [T] {
        try checkRank(root, "MPI_Reduce")
        if size == 1 || values.isEmpty { return values }
        var result = values
        let n = try count(values.count, "MPI_Reduce")
        try result.withUnsafeMutableBufferPointer { r in
            if rank == root {
                try check(MPI_Reduce(UnsafeRawPointer(cmpi_in_place()), r.baseAddress, n, T.mpiDatatype, operation.handle, Int32(root), handle), "MPI_Reduce")
            } else {
                try check(MPI_Reduce(UnsafeRawPointer(r.baseAddress), nil, n, T.mpiDatatype, operation.handle, Int32(root), handle), "MPI_Reduce")
            }
        }
        return result
    }

    /// `root`'s values on every rank, whatever the other ranks pass (the length travels first).
    public func broadcast<T: MPIElement>(_ values: [T], root: Int = 0) throws -> [T] {
        try checkRank(root, "MPI_Bcast")
        if size == 1 { return values }
        var length = [values.count]
        try length.withUnsafeMutableBufferPointer {
            try check(MPI_Bcast($0.baseAddress, 1, Int.mpiDatatype, Int32(root), handle), "MPI_Bcast")
        }
        var result = rank == root ? values : [T](repeating: T.mpiPlaceholder, count: length[0])
        let n = try count(length[0], "MPI_Bcast")
        try result.withUnsafeMutableBufferPointer {
            try check(MPI_Bcast($0.baseAddress, n, T.mpiDatatype, Int32(root), handle), "MPI_Bcast")
        }
        return result
    }

    /// Every rank's values, in rank order, on every rank; the lengths may differ (`MPI_Allgatherv`).
    public func allgather<T: MPIElement>(_ values: [T]) throws -> [[T]] {
        if size == 1 { return [values] }
        let counts = try allgatherCounts(values.count)
        let (flat, offsets) = try gatherv(values, counts: counts, root: nil)
        return Self.split(flat, offsets: offsets, counts: counts)
    }

    /// Every rank's values, in rank order, on `root` (other ranks get `[]`) (`MPI_Gatherv`).
    public func gather<T: MPIElement>(_ values: [T], root: Int = 0) throws -> [[T]] {
        try checkRank(root, "MPI_Gatherv")
        if size == 1 { return [values] }
        let counts = try allgatherCounts(values.count)
        let (flat, offsets) = try gatherv(values, counts: counts, root: root)
        guard rank == root else { return [] }
        return Self.split(flat, offsets: offsets, counts: counts)
    }

    /// `chunks[r]` of `root` on rank r (`MPI_Scatterv`); only `root`'s `chunks` are read, and it
    /// must hold one chunk per rank.
    public func scatter<T: MPIElement>(_ chunks: [[T]], root: Int = 0) throws -> [T] {
        try checkRank(root, "MPI_Scatterv")
        if rank == root, chunks.count != size {
            throw CommunicatorError.lengthMismatch(call: "MPI_Scatterv (chunks)", expected: size, found: chunks.count, rank: rank)
        }
        if size == 1 { return chunks[0] }
        var counts = [Int32](repeating: 0, count: size)
        if rank == root { counts = try chunks.map { try count($0.count, "MPI_Scatterv") } }
        try counts.withUnsafeMutableBufferPointer {
            try check(MPI_Bcast($0.baseAddress, Int32(size), cmpi_int32(), Int32(root), handle), "MPI_Bcast")
        }
        let mine = Int(counts[rank])
        let flat: [T] = rank == root ? chunks.flatMap { $0 } : []
        var displacements = [Int32](repeating: 0, count: size)
        for r in 1..<size { displacements[r] = displacements[r - 1] + counts[r - 1] }
        guard mine > 0 || rank == root else {
            try check(MPI_Scatterv(nil, counts, displacements, T.mpiDatatype, nil, 0, T.mpiDatatype, Int32(root), handle), "MPI_Scatterv")
            return []
        }
        var result = [T](repeating: T.mpiPlaceholder, count: mine)
        try result.withUnsafeMutableBufferPointer { r in
            try flat.withUnsafeBufferPointer { f in
                try check(MPI_Scatterv(UnsafeRawPointer(f.baseAddress), counts, displacements, T.mpiDatatype,
                                       r.baseAddress, Int32(mine), T.mpiDatatype, Int32(root), handle), "MPI_Scatterv")
            }
        }
        return result
    }

    /// Sends `values` to rank `destination` (`MPI_Send`; blocking).
    public func send<T: MPIElement>(_ values: [T], to destination: Int, tag: Int = 0) throws {
        try checkRank(destination, "MPI_Send")
        let n = try count(values.count, "MPI_Send")
        try values.withUnsafeBufferPointer {
            try check(MPI_Send(UnsafeRawPointer($0.baseAddress), n, T.mpiDatatype, Int32(destination), Int32(tag), handle), "MPI_Send")
        }
    }

    /// Receives the values rank `source` sends with `tag`, however many (`MPI_Probe`, `MPI_Recv`).
    public func receive<T: MPIElement>(_ type: T.Type = T.self, from source: Int, tag: Int = 0) throws -> [T] {
        try checkRank(source, "MPI_Recv")
        var status = MPI_Status()
        try check(MPI_Probe(Int32(source), Int32(tag), handle, &status), "MPI_Probe")
        var n: Int32 = 0
        try check(MPI_Get_count(&status, T.mpiDatatype, &n), "MPI_Get_count")
        var result = [T](repeating: T.mpiPlaceholder, count: Int(n))
        try result.withUnsafeMutableBufferPointer {
            try check(MPI_Recv($0.baseAddress, n, T.mpiDatatype, Int32(source), Int32(tag), handle, cmpi_status_ignore()), "MPI_Recv")
        }
        return result
    }

    // MARK: helpers

    private static func split<T>(_ flat: [T], offsets: [Int], counts: [Int32]) -> [[T]] {
        var parts = [[T]]()
        parts.reserveCapacity(counts.count)
        for r in 0..<counts.count {
            let start = offsets[r], end = offsets[r] + Int(counts[r])
            parts.append(Array(flat[start..<end]))
        }
        return parts
    }

    private func allgatherCounts(_ n: Int) throws -> [Int32] {
        var counts = [Int32](repeating: 0, count: size)
        var mine = try count(n, "MPI_Allgather")
        try check(MPI_Allgather(&mine, 1, cmpi_int32(), &counts, 1, cmpi_int32(), handle), "MPI_Allgather")
        return counts
    }

    /// Gathers variable-length buffers on `root` (nil: on every rank); returns the flat buffer and offsets.
    private func gatherv<T: MPIElement>(_ values: [T], counts: [Int32], root: Int?) throws -> ([T], [Int]) {
        var displacements = [Int32](repeating: 0, count: size)
        for r in 1..<size { displacements[r] = displacements[r - 1] + counts[r - 1] }
        let total = counts.reduce(0) { $0 + Int($1) }
        _ = try count(total, "MPI_Gatherv")
        let receives = root == nil || root == rank
        var flat = [T](repeating: T.mpiPlaceholder, count: receives ? total : 0)
        try values.withUnsafeBufferPointer { v in
            try flat.withUnsafeMutableBufferPointer { f in
                if let root {
                    try check(MPI_Gatherv(UnsafeRawPointer(v.baseAddress), counts[rank], T.mpiDatatype, f.baseAddress, counts, displacements,
                                          T.mpiDatatype, Int32(root), handle), "MPI_Gatherv")
                } else {
                    try check(MPI_Allgatherv(UnsafeRawPointer(v.baseAddress), counts[rank], T.mpiDatatype, f.baseAddress, counts,
                                             displacements, T.mpiDatatype, handle), "MPI_Allgatherv")
                }
            }
        }
        return (flat, displacements.map(Int.init))
    }
}

import LinearAlgebra

/// The partition tree of a partitioned model file (the hp nonintrusive RB, the partitioned
/// matrix-power interpolation): the array `partition_nodes` (nodes, 4), one row per node of
/// `ParameterPartition` — component split (−1 for a leaf), value, first child (a leaf: its
/// subdomain), second child (−1 for a leaf) — and the size `nodes` in `model.json`.
extension OnlineModelFile {
    /// The `partition_nodes` array of `partition`.
    static func partitionNodesArray(_ partition: ParameterPartition) -> NPYArray {
        let nodes = partition.nodes
        return NPYArray(Matrix(columns: [nodes.map { Double($0.component) }, nodes.map(\.value), nodes.map { Double($0.first) },
                                         nodes.map { Double($0.second) }]))
    }

    /// The partition of `space` stored in the archive, its node count read from `sizes["nodes"]`
    /// and checked against the array before it is read; the tree is checked by
    /// `ParameterPartition.init(space:nodes:)`.
    static func readPartition(_ arrays: ModelArrayReader, space: ParameterSpace, sizes: [String: Int]) throws -> ParameterPartition {
        let count = try arrays.size("nodes", in: sizes, atLeast: 1)
        try arrays.checkProducts([("nodes·4", [count, 4])])
        let table = try arrays.real("partition_nodes", [count, 4])
        func whole(_ v: Double, _ k: Int) throws -> Int {
            guard v.rounded() == v, abs(v) <= Double(ModelArrayReader.largestSize) else {
                throw arrays.invalid("the array partition_nodes holds \(v) at index \(k), expected a whole number")
            }
            return Int(v)
        }
        var nodes: [ParameterPartition.Node] = []
        for i in 0..<count {
            nodes.append(ParameterPartition.Node(component: try whole(table[i], i), value: table[count + i],
                                                 first: try whole(table[2 * count + i], 2 * count + i),
                                                 second: try whole(table[3 * count + i], 3 * count + i)))
        }
        do { return try ParameterPartition(space: space, nodes: nodes) } catch let error as ROMError {
            throw arrays.invalid("\(error)")
        }
    }

    /// The prefix of subdomain i's member in a partitioned model file.
    static func subdomainPrefix(_ i: Int) -> String { "subdomain_\(i)/" }
}

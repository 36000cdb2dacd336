/// A partition of a parameter box into subdomains by successive bisections (the h-refinement of
/// the hp reduced basis method: `HPNonintrusiveReducedBasis`), stored as a binary tree: an
/// inner node halves its box at `value` of one component (μ_c ≤ value goes to the first child),
/// a leaf is a subdomain. `subdomain(containing:)` walks the tree: depth comparisons, no
/// allocation — the online selection of the local model that answers μ.
public struct ParameterPartition: Sendable, Equatable {
    /// One node of the tree.
    public struct Node: Sendable, Equatable {
        /// The component split, or −1 for a leaf.
        public let component: Int
        /// Where it is split (unused for a leaf).
        public let value: Double
        /// Inner node: the first child (μ_c ≤ value); leaf: the subdomain's index.
        public let first: Int
        /// Inner node: the second child; leaf: unused (−1).
        public let second: Int

        /// A leaf holding subdomain `index`.
        public static func leaf(_ index: Int) -> Node { Node(component: -1, value: 0, first: index, second: -1) }
        /// An inner node.
        public init(component: Int, value: Double, first: Int, second: Int) {
            self.component = component
            self.value = value
            self.first = first
            self.second = second
        }
        /// Whether this node is a subdomain.
        public var isLeaf: Bool { component < 0 }
    }

    /// The whole box.
    public let space: ParameterSpace
    /// The tree, its root first.
    public let nodes: [Node]
    /// The box of each subdomain (in the order of the leaves' indices).
    public let boxes: [ParameterSpace]

    /// The whole box as one subdomain.
    public init(space: ParameterSpace) {
        self.space = space
        nodes = [.leaf(0)]
        boxes = [space]
    }

    /// A tree read from a file or built by a caller. Throws `ROMError.invalidOption` unless every
    /// node but the root is the child of exactly one node that comes before it, every split lies
    /// strictly inside its node's box, and the leaves number the subdomains 0, 1, … once each.
    public init(space: ParameterSpace, nodes: [Node]) throws {
        func invalid(_ detail: String) -> ROMError { .invalidOption(name: "parameter partition", detail: detail) }
        guard !nodes.isEmpty else { throw invalid("it has no node") }
        let leaves = nodes.filter(\.isLeaf).count
        var boxes = [ParameterSpace?](repeating: nil, count: leaves)
        var nodeBoxes = [ParameterSpace?](repeating: nil, count: nodes.count)
        nodeBoxes[0] = space
        for (i, node) in nodes.enumerated() {
            guard let box = nodeBoxes[i] else { throw invalid("node \(i) is the child of no earlier node") }
            if node.isLeaf {
                guard (0..<leaves).contains(node.first), boxes[node.first] == nil else {
                    throw invalid("leaf \(i) names subdomain \(node.first): expected each of 0..<\(leaves) once")
                }
                boxes[node.first] = box
                continue
            }
            guard node.component < space.dimension else { throw invalid("node \(i) splits component \(node.component) of \(space.dimension)") }
            let c = node.component
            guard node.value > box.lower[c], node.value < box.upper[c] else {
                throw invalid("node \(i) splits \(space.names[c]) at \(node.value), outside (\(box.lower[c]), \(box.upper[c]))")
            }
            guard node.first != node.second else { throw invalid("node \(i) has the child \(node.first) twice") }
            for child in [node.first, node.second] {
                guard child > i, child < nodes.count, nodeBoxes[child] == nil else {
                    throw invalid("node \(i) has child \(child): expected a later node, not yet anyone's child")
                }
            }
            let (low, high) = try Self.halves(of: box, component: c, at: node.value)
            nodeBoxes[node.first] = low
            nodeBoxes[node.second] = high
        }
        self.space = space
        self.nodes = nodes
        self.boxes = boxes.map { $0! }
    }

    /// The tensor partition that cuts component k of `space` into `pieces[k]` equal intervals
    /// (∏ pieces subdomains), as a tree of bisections at the cuts; leaves numbered depth first.
    public static func tensor(space: ParameterSpace, pieces: [Int]) throws -> ParameterPartition {
        guard pieces.count == space.dimension, pieces.allSatisfy({ $0 >= 1 }) else {
            throw ROMError.invalidOption(name: "pieces", detail: "\(pieces): expected \(space.dimension) counts ≥ 1")
        }
        var nodes: [Node] = []
        var leaves = 0
        func build(_ low: [Int], _ high: [Int]) -> Int {
            let index = nodes.count
            guard let c = (0..<pieces.count).first(where: { high[$0] - low[$0] > 1 }) else {
                nodes.append(.leaf(leaves))
                leaves += 1
                return index
            }
            nodes.append(.leaf(-1))
            let cut = (low[c] + high[c]) / 2
            var firstHigh = high, secondLow = low
            firstHigh[c] = cut
            secondLow[c] = cut
            let first = build(low, firstHigh), second = build(secondLow, high)
            let value = space.lower[c] + (space.upper[c] - space.lower[c]) * Double(cut) / Double(pieces[c])
            nodes[index] = Node(component: c, value: value, first: first, second: second)
            return index
        }
        _ = build([Int](repeating: 0, count: pieces.count), pieces)
        return try ParameterPartition(space: space, nodes: nodes)
    }

    /// The two halves of `box` split at `value` of component `c`.
    static func halves(of box: ParameterSpace, component c: Int, at value: Double) throws -> (ParameterSpace, ParameterSpace) {
        var upper = box.upper, lower = box.lower
        upper[c] = value
        lower[c] = value
        return (try ParameterSpace(names: box.names, lower: box.lower, upper: upper),
                try ParameterSpace(names: box.names, lower: lower, upper: box.upper))
    }

    /// Number of subdomains.
    public var count: Int { boxes.count }

    /// The subdomain of μ (components, not validated; a point on a split belongs to the first half).
    public func subdomain(containing mu: UnsafeBufferPointer<Double>) -> Int {
        nodes.withUnsafeBufferPointer { tree in
            var i = 0
            while !tree[i].isLeaf { i = mu[tree[i].component] <= tree[i].value ? tree[i].first : tree[i].second }
            return tree[i].first
        }
    }

    /// The subdomain of μ.
    public func subdomain(containing mu: Parameter) -> Int { mu.values.withUnsafeBufferPointer { subdomain(containing: $0) } }
}

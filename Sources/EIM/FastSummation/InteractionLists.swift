/// The lists of the adaptive FMM (Carrier, Greengard, Rokhlin; notation of Ying, Biros, Zorin):
/// for a leaf B, U(B) = adjacent leaves (direct sum) and W(B) = descendants of B's colleagues that
/// are not adjacent to B but whose parent is (their multipole evaluated at B's targets); for any B,
/// V(B) = children of the colleagues of B's parent not adjacent to B (M2L) and X(B) = {A : B ∈ W(A)}
/// (A's sources summed into B's local expansion). Colleagues are the adjacent boxes of the same level.
struct InteractionLists: Sendable {
    var u: [[Int]]
    var v: [[Int]]
    var w: [[Int]]
    var x: [[Int]]

    init(tree t: SummationTree) {
        let n = t.boxCount
        u = Array(repeating: [], count: n)
        v = Array(repeating: [], count: n)
        w = Array(repeating: [], count: n)
        x = Array(repeating: [], count: n)
        var index: [Key: Int] = [:]
        index.reserveCapacity(n)
        for b in 0..<n { index[Key(level: t.level[b], coords: t.coords[b])] = b }
        let zRange = t.dimension == 3 ? -1...1 : 0...0
        func colleagues(_ b: Int) -> [Int] {
            var result: [Int] = []
            let c = t.coords[b], l = t.level[b], side = 1 << l
            for dz in zRange { for dy in -1...1 { for dx in -1...1 {
                let q = c &+ SIMD3(dx, dy, dz)
                if q.x < 0 || q.y < 0 || q.z < 0 || q.x >= side || q.y >= side || q.z >= side { continue }
                if let other = index[Key(level: l, coords: q)] { result.append(other) }
            } } }
            return result
        }
        func children(_ b: Int) -> Range<Int> { t.childStart[b]..<(t.childStart[b] + t.childCount[b]) }

        for b in 0..<n {
            if t.level[b] >= 2 {
                for c in colleagues(t.parent[b]) {
                    for d in children(c) where !t.adjacent(d, b) { v[b].append(d) }
                }
            }
            guard t.isLeaf(b) else { continue }
            var stack: [Int] = []
            for c in colleagues(b) {
                if c == b || t.isLeaf(c) { u[b].append(c) } else { stack.append(contentsOf: children(c)) }
            }
            while let d = stack.popLast() {
                if t.adjacent(d, b) {
                    if t.isLeaf(d) {
                        u[b].append(d)
                        u[d].append(b)  // d is finer: b is a coarser adjacent leaf of d
                    } else {
                        stack.append(contentsOf: children(d))
                    }
                } else {
                    w[b].append(d)
                    x[d].append(b)
                }
            }
        }
    }

    struct Key: Hashable {
        let level: Int
        let coords: SIMD3<Int>
    }
}

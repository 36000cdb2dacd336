/// The adaptive quadtree (2D) or octree (3D) of a fast summation over sources and targets.
///
/// A box is split while it holds more than `leafSize` points (sources plus targets, counted once
/// when they are the same set); only nonempty children are created, so no work is ever spent on
/// empty space. Boxes are numbered level by level (breadth first); the points of every box are
/// contiguous in the tree order of the sources and of the targets.
struct SummationTree: Sendable {
    let dimension: Int
    /// Lower corner and side of the root cube.
    let rootLow: SIMD3<Double>
    let rootWidth: Double
    /// Per box: level, integer coordinates at its level, parent (−1 for the root), children range.
    var level: [Int] = []
    var coords: [SIMD3<Int>] = []
    var parent: [Int] = []
    var childStart: [Int] = []
    var childCount: [Int] = []
    /// Per box: its sources `srcStart[b]..<srcEnd[b]` and targets in tree order.
    var srcStart: [Int] = [], srcEnd: [Int] = []
    var tgtStart: [Int] = [], tgtEnd: [Int] = []
    /// Boxes of level l are `levelStart[l]..<levelStart[l + 1]`.
    var levelStart: [Int] = [0]
    /// Tree order → input index.
    var sourceOrder: [Int]
    var targetOrder: [Int]
    let sameTargets: Bool

    var boxCount: Int { level.count }
    var depth: Int { levelStart.count - 2 }
    func width(level l: Int) -> Double { rootWidth / Double(1 << l) }
    func isLeaf(_ b: Int) -> Bool { childCount[b] == 0 }
    func center(_ b: Int) -> SIMD3<Double> {
        let c = rootLow + (SIMD3<Double>(Double(coords[b].x), Double(coords[b].y), Double(coords[b].z)) + 0.5) * width(level: level[b])
        return dimension == 2 ? SIMD3(c.x, c.y, 0) : c
    }

    /// Builds the tree; `targets` nil means the targets are the sources.
    init(dimension: Int, sources: [SIMD3<Double>], targets: [SIMD3<Double>]?, leafSize: Int, maxLevel: Int) {
        self.dimension = dimension
        sameTargets = targets == nil
        let tg = targets ?? sources
        var low = SIMD3<Double>(repeating: .infinity), high = SIMD3<Double>(repeating: -.infinity)
        for p in sources { low = pointwiseMin(low, p); high = pointwiseMax(high, p) }
        for p in tg { low = pointwiseMin(low, p); high = pointwiseMax(high, p) }
        if dimension == 2 { low.z = 0; high.z = 0 }
        let extent = max((high - low).max(), 1e-300)
        let width = extent * (1 + 1e-9)
        let mid = (low + high) / 2
        rootLow = dimension == 2 ? SIMD3(mid.x - width / 2, mid.y - width / 2, 0) : mid - width / 2
        rootWidth = width
        sourceOrder = Array(0..<sources.count)
        targetOrder = sameTargets ? [] : Array(0..<tg.count)

        appendBox(level: 0, coords: .zero, parent: -1, src: 0..<sources.count, tgt: 0..<(sameTargets ? sources.count : tg.count))
        levelStart.append(1)
        var scratch: [Int] = []
        var l = 0
        while l < maxLevel {
            for b in levelStart[l]..<levelStart[l + 1] {
                let count = (srcEnd[b] - srcStart[b]) + (sameTargets ? 0 : tgtEnd[b] - tgtStart[b])
                guard count > leafSize else { continue }
                let c = center(b)
                let srcCuts = partition(&sourceOrder, srcStart[b]..<srcEnd[b], points: sources, center: c, scratch: &scratch)
                let tgtCuts = sameTargets ? srcCuts : partition(&targetOrder, tgtStart[b]..<tgtEnd[b], points: tg, center: c, scratch: &scratch)
                childStart[b] = boxCount
                for o in 0..<(dimension == 2 ? 4 : 8) {
                    let s = srcCuts[o]..<srcCuts[o + 1], t = tgtCuts[o]..<tgtCuts[o + 1]
                    if s.isEmpty && t.isEmpty { continue }
                    let offset = SIMD3(o & 1, (o >> 1) & 1, (o >> 2) & 1)
                    appendBox(level: l + 1, coords: coords[b] &* 2 &+ offset, parent: b, src: s, tgt: t)
                    childCount[b] += 1
                }
            }
            if boxCount == levelStart[l + 1] { break }
            levelStart.append(boxCount)
            l += 1
        }
        if sameTargets { targetOrder = sourceOrder }
    }

    private mutating func appendBox(level l: Int, coords c: SIMD3<Int>, parent p: Int, src: Range<Int>, tgt: Range<Int>) {
        level.append(l)
        coords.append(c)
        parent.append(p)
        childStart.append(0)
        childCount.append(0)
        srcStart.append(src.lowerBound)
        srcEnd.append(src.upperBound)
        tgtStart.append(tgt.lowerBound)
        tgtEnd.append(tgt.upperBound)
    }

    /// Counting sort of `order[range]` by child octant; returns the 9 cut positions.
    private func partition(_ order: inout [Int], _ range: Range<Int>, points: [SIMD3<Double>], center c: SIMD3<Double>,
                           scratch: inout [Int]) -> [Int] {
        var counts = [Int](repeating: 0, count: 9)
        scratch.removeAll(keepingCapacity: true)
        for k in range {
            let p = points[order[k]]
            let o = (p.x >= c.x ? 1 : 0) | (p.y >= c.y ? 2 : 0) | (dimension == 3 && p.z >= c.z ? 4 : 0)
            scratch.append(o)
            counts[o + 1] += 1
        }
        for o in 0..<8 { counts[o + 1] += counts[o] }
        var cursor = counts.map { $0 + range.lowerBound }
        let old = Array(order[range])
        for (i, o) in scratch.enumerated() {
            order[cursor[o]] = old[i]
            cursor[o] += 1
        }
        return counts.map { $0 + range.lowerBound }
    }

    /// Whether the closed boxes a and b touch or overlap (any levels).
    func adjacent(_ a: Int, _ b: Int) -> Bool {
        let la = level[a], lb = level[b], l = max(la, lb)
        let sa = 1 << (l - la), sb = 1 << (l - lb)
        let loA = coords[a] &* sa, loB = coords[b] &* sb
        let hiA = loA &+ sa, hiB = loB &+ sb
        let dims = dimension
        for k in 0..<dims where loA[k] > hiB[k] || loB[k] > hiA[k] { return false }
        return true
    }
}

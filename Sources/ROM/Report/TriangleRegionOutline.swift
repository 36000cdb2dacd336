/// SVG path data for a set of triangles on an integer grid: either one sub-path per triangle, or
/// the outline of their union (the edges that belong to an odd number of the triangles, chained
/// into closed loops). Filled with the even-odd rule, the outline covers exactly the union: a
/// point is inside when a ray from it crosses the outline an odd number of times, and every
/// triangle edge shared by two of the triangles cancels out.
///
/// Coordinates are written as integers, each loop as one absolute move then relative steps,
/// collinear steps merged: "M120 40l5 0 0 5-5 0z".
struct TriangleRegionOutline {
    /// Grid coordinates of the vertices (x right, y down).
    let points: [SIMD2<Int32>]
    /// Vertex triples of all the triangles.
    let triangles: [Int]

    /// One sub-path per triangle of `members` (triangle numbers).
    func trianglePaths(_ members: [Int]) -> String {
        var d = PathData()
        for t in members {
            d.loop([points[triangles[3 * t]], points[triangles[3 * t + 1]], points[triangles[3 * t + 2]]])
        }
        return d.text
    }

    /// The outline of the union of the triangles `members`.
    func unionOutline(_ members: [Int]) -> String {
        let n = points.count
        var odd = Set<Int>()
        for t in members {
            for (i, j) in [(0, 1), (1, 2), (2, 0)] {
                let a = triangles[3 * t + i], b = triangles[3 * t + j]
                guard a != b else { continue }
                let key = a < b ? a * n + b : b * n + a
                if odd.remove(key) == nil { odd.insert(key) }
            }
        }
        // Every vertex has an even number of outline edges: a walk from a vertex, never reusing an
        // edge, can only get stuck where it started, so it closes a loop.
        var adjacency: [Int: [Int]] = [:]
        for key in odd.sorted() {
            adjacency[key / n, default: []].append(key % n)
            adjacency[key % n, default: []].append(key / n)
        }
        var d = PathData()
        for start in adjacency.keys.sorted() {
            while adjacency[start]?.isEmpty == false {
                var loop = [points[start]]
                var current = start
                while let next = adjacency[current]?.popLast() {
                    if let back = adjacency[next]?.firstIndex(of: current) { adjacency[next]?.remove(at: back) }
                    loop.append(points[next])
                    current = next
                }
                d.loop(loop)
            }
        }
        return d.text
    }
}

/// Compact SVG path data on an integer grid.
struct PathData {
    private(set) var text = ""

    /// A closed loop through `loop` (a repeated first point at the end is dropped); repeated
    /// points and collinear middle points are left out. Loops of less than three points are skipped.
    mutating func loop(_ loop: [SIMD2<Int32>]) {
        var kept: [SIMD2<Int32>] = []
        kept.reserveCapacity(loop.count)
        for p in loop {
            if kept.last == p { continue }
            while kept.count >= 2 {
                let a = kept[kept.count - 2], b = kept[kept.count - 1]
                let cross = Int64(b.x - a.x) * Int64(p.y - a.y) - Int64(b.y - a.y) * Int64(p.x - a.x)
                guard cross == 0 else { break }
                kept.removeLast()
            }
            kept.append(p)
        }
        if kept.count > 1 && kept.last == kept.first { kept.removeLast() }
        guard kept.count >= 3 else { return }
        text += "M\(kept[0].x) \(kept[0].y)l"
        for k in 1..<kept.count {
            let dx = kept[k].x - kept[k - 1].x, dy = kept[k].y - kept[k - 1].y
            if k > 1 && dx >= 0 { text += " " }
            text += "\(dx)"
            if dy >= 0 { text += " " }
            text += "\(dy)"
        }
        text += "z"
    }
}

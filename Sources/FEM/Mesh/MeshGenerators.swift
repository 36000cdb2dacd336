/// Structured meshes of intervals, rectangles and boxes.
///
/// Boundary tags, the same in every dimension: 1 at x = min, 2 at x = max, 3 at y = min,
/// 4 at y = max, 5 at z = min, 6 at z = max. Regions are 0; retag them with
/// `Mesh.taggingRegions(_:)` (for instance the B×B blocks of the thermal block).
extension Mesh {
    /// How each square of a rectangle mesh is cut into triangles.
    public enum SquareSplit: Sendable {
        /// Two triangles along the diagonal from the lower-left to the upper-right corner
        /// (scikit-fem's `MeshTri.init_tensor`).
        case two
        /// Four triangles through a node at the centre of the square (pyMOR's mesh).
        case four
    }

    /// The side tags of the generators.
    public enum Side {
        /// x = min.
        public static let xMin = 1
        /// x = max.
        public static let xMax = 2
        /// y = min.
        public static let yMin = 3
        /// y = max.
        public static let yMax = 4
        /// z = min.
        public static let zMin = 5
        /// z = max.
        public static let zMax = 6
    }

    /// `n` equal segments of `[lower, upper]`; boundary points tagged 1 (left) and 2 (right).
    public static func interval(_ n: Int, from lower: Double = 0, to upper: Double = 1) -> Mesh {
        precondition(n >= 1 && upper > lower, "Mesh.interval: need n ≥ 1 and lower < upper")
        let x = (0...n).map { lower + (upper - lower) * Double($0) / Double(n) }
        let cells = (0..<n).flatMap { [$0, $0 + 1] }
        // swiftlint:disable:next force_try
        return try! Mesh(dimension: 1, coordinates: x, cells: cells, boundaryFacets: [0, n], boundaryTags: [Side.xMin, Side.xMax])
    }

    /// An `nx`×`ny` grid of squares on `[x0, x1]×[y0, y1]`, each split into triangles as `split` says.
    public static func rectangle(_ nx: Int, _ ny: Int, x: ClosedRange<Double> = 0...1, y: ClosedRange<Double> = 0...1,
                                 split: SquareSplit = .two) -> Mesh {
        precondition(nx >= 1 && ny >= 1, "Mesh.rectangle: need nx, ny ≥ 1")
        var xy = [Double]()
        xy.reserveCapacity(2 * ((nx + 1) * (ny + 1) + nx * ny))
        for j in 0...ny {
            for i in 0...nx {
                xy.append(x.lowerBound + (x.upperBound - x.lowerBound) * Double(i) / Double(nx))
                xy.append(y.lowerBound + (y.upperBound - y.lowerBound) * Double(j) / Double(ny))
            }
        }
        func v(_ i: Int, _ j: Int) -> Int { j * (nx + 1) + i }
        var cells = [Int]()
        cells.reserveCapacity(3 * nx * ny * (split == .two ? 2 : 4))
        for j in 0..<ny {
            for i in 0..<nx {
                let a = v(i, j), b = v(i + 1, j), c = v(i + 1, j + 1), d = v(i, j + 1)
                switch split {
                case .two:
                    cells += [a, b, c, a, c, d]
                case .four:
                    let centre = xy.count / 2
                    xy.append(x.lowerBound + (x.upperBound - x.lowerBound) * (Double(i) + 0.5) / Double(nx))
                    xy.append(y.lowerBound + (y.upperBound - y.lowerBound) * (Double(j) + 0.5) / Double(ny))
                    cells += [a, b, centre, b, c, centre, c, d, centre, d, a, centre]
                }
            }
        }
        var facets = [Int](), tags = [Int]()
        for i in 0..<nx {
            facets += [v(i, 0), v(i + 1, 0)]; tags.append(Side.yMin)
            facets += [v(i + 1, ny), v(i, ny)]; tags.append(Side.yMax)
        }
        for j in 0..<ny {
            facets += [v(nx, j), v(nx, j + 1)]; tags.append(Side.xMax)
            facets += [v(0, j + 1), v(0, j)]; tags.append(Side.xMin)
        }
        // swiftlint:disable:next force_try
        return try! Mesh(dimension: 2, coordinates: xy, cells: cells, boundaryFacets: facets, boundaryTags: tags)
    }

    /// An `nx`×`ny`×`nz` grid of cubes on the box, each split into 6 tetrahedra around its main
    /// diagonal (Kuhn's conforming subdivision, scikit-fem's `MeshTet.init_tensor`).
    public static func box(_ nx: Int, _ ny: Int, _ nz: Int, x: ClosedRange<Double> = 0...1,
                           y: ClosedRange<Double> = 0...1, z: ClosedRange<Double> = 0...1) -> Mesh {
        precondition(nx >= 1 && ny >= 1 && nz >= 1, "Mesh.box: need nx, ny, nz ≥ 1")
        let n = [nx, ny, nz], ranges = [x, y, z]
        var xyz = [Double]()
        xyz.reserveCapacity(3 * (nx + 1) * (ny + 1) * (nz + 1))
        for k in 0...nz {
            for j in 0...ny {
                for i in 0...nx {
                    for (a, index) in [i, j, k].enumerated() {
                        xyz.append(ranges[a].lowerBound + (ranges[a].upperBound - ranges[a].lowerBound) * Double(index) / Double(n[a]))
                    }
                }
            }
        }
        func v(_ p: SIMD3<Int>) -> Int { (p.z * (ny + 1) + p.y) * (nx + 1) + p.x }
        let unit = [SIMD3<Int>(1, 0, 0), SIMD3<Int>(0, 1, 0), SIMD3<Int>(0, 0, 1)]
        let permutations = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]
        var cells = [Int]()
        cells.reserveCapacity(24 * nx * ny * nz)
        for k in 0..<nz {
            for j in 0..<ny {
                for i in 0..<nx {
                    let o = SIMD3(i, j, k)
                    for p in permutations {
                        let p1 = o &+ unit[p[0]], p2 = p1 &+ unit[p[1]], p3 = p2 &+ unit[p[2]]
                        cells += [v(o), v(p1), v(p2), v(p3)]
                    }
                }
            }
        }
        var facets = [Int](), tags = [Int]()
        for axis in 0..<3 {
            let (p, q) = ((axis + 1) % 3, (axis + 2) % 3)
            for side in 0..<2 {
                for b in 0..<n[q] {
                    for a in 0..<n[p] {
                        var o = SIMD3<Int>.zero
                        o[axis] = side * n[axis]; o[p] = a; o[q] = b
                        let ep = unit[p], eq = unit[q]
                        facets += [v(o), v(o &+ ep), v(o &+ ep &+ eq), v(o), v(o &+ eq), v(o &+ ep &+ eq)]
                        tags += [2 * axis + side + 1, 2 * axis + side + 1]
                    }
                }
            }
        }
        // swiftlint:disable:next force_try
        return try! Mesh(dimension: 3, coordinates: xyz, cells: cells, boundaryFacets: facets, boundaryTags: tags,
                         orientation: .reorient)
    }
}

/// What a Gmsh 4.1 `$Nodes` or `$Elements` section's blocks hold, against its header line's
/// declarations (the number of items, the smallest and largest tag): a file whose blocks disagree
/// with its own header is damaged or hand-edited, and is refused rather than read as half a mesh.
struct GmshDeclaredTotals {
    private(set) var count = 0
    private(set) var smallest = Int.max
    private(set) var largest = Int.min

    mutating func add(_ tag: Int) {
        count += 1
        smallest = min(smallest, tag)
        largest = max(largest, tag)
    }

    /// Throws unless the blocks held `declared` items with tags in minimum…maximum.
    func check(_ what: String, declared: Int, minimum: Int, maximum: Int, at place: GmshPlace) throws {
        guard count == declared else {
            throw GmshError.declarationMismatch(declared: "\(declared) \(what)", found: "\(count)", at: place)
        }
        guard count == 0 || (smallest >= minimum && largest <= maximum) else {
            throw GmshError.declarationMismatch(declared: "\(what) with tags \(minimum)…\(maximum)", found: "tags \(smallest)…\(largest)", at: place)
        }
    }
}

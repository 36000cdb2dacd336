import CaseProblems
import FEM
import Foundation
import LinearAlgebra
import ROM

/// The report's drawings at one parameter μ: the truth u(μ) and the reduced solution u_N(μ) on
/// one colour range, the pointwise error |u(μ) − u_N(μ)| on its own scale (log10 when it spans
/// decades), and the blocks with the values μ_b. The mesh goes to ROM's `FieldView` as plain
/// arrays (ROM does not know FEM).
struct ThermalBlockFieldViews {
    let views: [FieldView]

    /// - Parameters: `truth` and `reduced` are free-dof vectors (zero on the boundary added here).
    init(block: ThermalBlock, mu: Parameter, truth: [Double], reduced: [Double], basisSize: Int) throws {
        let mesh = block.mesh
        let coordinates = mesh.coordinates, triangles = mesh.cells
        let u = block.field(truth), uN = block.field(reduced)
        let error = zip(u, uN).map { abs($0 - $1) }
        let low = min(u.min() ?? 0, uN.min() ?? 0), high = max(u.max() ?? 1, uN.max() ?? 1)
        let range: ClosedRange<Double>? = low < high ? low...high : nil
        let outlines = Self.blockOutlines(blocks: block.blocks)

        var truthView = try FieldView(title: "truth u(μ)", quantity: "u", unit: "dimensionless", coordinates: coordinates,
                                      triangles: triangles, values: u, scale: .linear, range: range)
        var reducedView = try FieldView(title: "reduced u_N(μ), N = \(basisSize)", quantity: "u_N", unit: "dimensionless",
                                        coordinates: coordinates, triangles: triangles, values: uN, scale: .linear, range: range)
        var errorView = try FieldView(title: "pointwise error |u(μ) − u_N(μ)|", quantity: "|u − u_N|", unit: "dimensionless",
                                      coordinates: coordinates, triangles: triangles, values: error)
        truthView.outlines = outlines
        reducedView.outlines = outlines
        errorView.outlines = outlines

        let space = block.problem.parameterSpace
        let blockValues = mesh.regions.map { mu[$0] }
        let bounds = (space.lower.min() ?? 0)...(space.upper.max() ?? 1)
        var layout = try FieldView(title: "blocks and their diffusivities μ_b", quantity: "μ_b", unit: "dimensionless",
                                   coordinates: coordinates, triangles: triangles, values: blockValues, location: .triangles,
                                   scale: .linear, range: bounds.lowerBound < bounds.upperBound ? bounds : nil)
        layout.outlines = outlines
        layout.labels = Self.blockLabels(blocks: block.blocks, mu: mu)
        views = [truthView, reducedView, errorView, layout]
    }

    /// The lines between the blocks of the unit square.
    static func blockOutlines(blocks: Int) -> [[Double]] {
        guard blocks > 1 else { return [] }
        return (1..<blocks).flatMap { k -> [[Double]] in
            let s = Double(k) / Double(blocks)
            return [[s, 0, s, 1], [0, s, 1, s]]
        }
    }

    /// μ_b written at the centre of block b = bx + B·by ("μ₂ = 0.53"; the value alone from 4×4 blocks on).
    static func blockLabels(blocks: Int, mu: Parameter) -> [FieldView.Label] {
        let subscripts = Array("₀₁₂₃₄₅₆₇₈₉")
        return (0..<(blocks * blocks)).map { b in
            let x = (Double(b % blocks) + 0.5) / Double(blocks), y = (Double(b / blocks) + 0.5) / Double(blocks)
            let value = String(format: "%.3f", mu[b])
            let name = "μ" + String(String(b).map { subscripts[Int(String($0))!] })
            return FieldView.Label(x: x, y: y, text: blocks <= 3 ? "\(name) = \(value)" : value)
        }
    }
}

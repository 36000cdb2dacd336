/// Errors of a finite-element function against an exact solution.
public struct ErrorNorms: Sendable, Equatable {
    /// ‖u − u_h‖_L².
    public var l2: Double
    /// |u − u_h|_H¹ (the seminorm).
    public var h1: Double
    /// ‖u‖_L².
    public var exactL2: Double
    /// |u|_H¹.
    public var exactH1: Double

    /// ‖u − u_h‖ / ‖u‖ in L².
    public var relativeL2: Double { l2 / exactL2 }
    /// |u − u_h| / |u| in H¹.
    public var relativeH1: Double { h1 / exactH1 }
}

extension FunctionSpace {
    /// The L² and H¹-seminorm errors of the scalar field `u` (dof vector of this space) against
    /// `exact` and its gradient, by quadrature of degree 2·order + 4 on every cell.
    public func errors(of u: [Double], exact: (SIMD3<Double>) -> Double,
                       gradient: (SIMD3<Double>) -> SIMD3<Double>) -> ErrorNorms {
        precondition(components == 1 && u.count == dofCount, "FunctionSpace.errors: scalar field of \(dofCount) values expected")
        let kernel = QuadratureKernel(space: self, degree: 2 * element.order + 4)
        let m = element.count
        var norms = ErrorNorms(l2: 0, h1: 0, exactL2: 0, exactH1: 0)
        kernel.forEachPoint(cells: 0..<mesh.cellCount) { c, q, point, weight, gradients in
            var value = 0.0, grad = SIMD3<Double>.zero
            for a in 0..<m {
                let coefficient = u[cellNodes[m * c + a]]
                value += coefficient * kernel.basisValues[q * m + a]
                grad += coefficient * gradients[a]
            }
            let e = exact(point.x), ge = gradient(point.x)
            norms.l2 += weight * (e - value) * (e - value)
            norms.h1 += weight * dot(ge - grad, ge - grad)
            norms.exactL2 += weight * e * e
            norms.exactH1 += weight * dot(ge, ge)
        }
        norms.l2 = norms.l2.squareRoot(); norms.h1 = norms.h1.squareRoot()
        norms.exactL2 = norms.exactL2.squareRoot(); norms.exactH1 = norms.exactH1.squareRoot()
        return norms
    }
}

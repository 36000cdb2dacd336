/// What the greedy has built after m terms, in the layout its loops read.
///
/// With s_j the scale of training column j (1/‖g_j‖ when relative, else 1), the residual after m terms is
/// r_j = s_j g_j − Σ_{k<m} C[k, j] q_k, where C[k, j] = r_j(x_k) just before term k was added: every
/// new term corrects every residual by the rank-one update r_j ← r_j − C[m, j] q_m.
struct GreedyState {
    let pointCount: Int
    private(set) var parameterCount: Int
    /// Number of terms m.
    private(set) var terms = 0
    /// Allocated term slots (the arrays grow by doubling).
    private(set) var capacity: Int
    /// q_0 … q_{m−1}, column-major n × capacity; q_k(x_k) = 1.
    var basis: [Double]
    /// C[k + j·capacity]: column j's residual at x_k before term k (contiguous per column).
    var coefficients: [Double]
    /// B[i + k·capacity] = q_k(x_i): unit lower triangular.
    var interpolationMatrix: [Double]
    /// x_0 … x_{m−1} (point indices).
    var points: [Int] = []
    /// μ_0 … μ_{m−1} (training column indices).
    var parameters: [Int] = []
    /// The largest error with 0, 1, …, m terms.
    var errors: [Double] = []

    init(points n: Int, parameters p: Int, capacity: Int) {
        pointCount = n
        parameterCount = p
        self.capacity = max(capacity, 1)
        basis = [Double](repeating: 0, count: n * self.capacity)
        coefficients = [Double](repeating: 0, count: self.capacity * p)
        interpolationMatrix = [Double](repeating: 0, count: self.capacity * self.capacity)
    }

    /// Doubles the term capacity, keeping the content.
    mutating func grow() {
        let old = capacity, new = 2 * capacity
        basis.append(contentsOf: repeatElement(0, count: pointCount * (new - old)))
        var c = [Double](repeating: 0, count: new * parameterCount)
        for j in 0..<parameterCount { for k in 0..<terms { c[k + j * new] = coefficients[k + j * old] } }
        coefficients = c
        var b = [Double](repeating: 0, count: new * new)
        for k in 0..<terms { for i in 0..<terms { b[i + k * new] = interpolationMatrix[i + k * old] } }
        interpolationMatrix = b
        capacity = new
    }

    /// Adds training columns (their coefficient columns come from `coefficients(forRow:)`).
    mutating func appendParameters(_ count: Int) {
        coefficients.append(contentsOf: repeatElement(0, count: count * capacity))
        parameterCount += count
    }

    /// Appends the term (q, x, μ) and the new row of coefficients C[m, ·] = r_·(x) (before the term).
    mutating func append(basisVector q: UnsafeBufferPointer<Double>, point x: Int, parameter mu: Int,
                         residualsAtPoint row: UnsafeBufferPointer<Double>) {
        if terms == capacity { grow() }
        let m = terms
        basis.withUnsafeMutableBufferPointer { b in
            for i in 0..<pointCount { b[i + m * pointCount] = q[i] }
        }
        for j in 0..<parameterCount { coefficients[m + j * capacity] = row[j] }
        for i in 0...m {
            let xi = i == m ? x : points[i]
            interpolationMatrix[i + m * capacity] = q[xi]
        }
        for k in 0..<m { interpolationMatrix[m + k * capacity] = basis[x + k * pointCount] }
        points.append(x)
        parameters.append(mu)
        terms += 1
    }

    /// Solves B c = v (v: values at the m points) by forward substitution, in place.
    func forwardSubstitute(_ v: UnsafeMutableBufferPointer<Double>) {
        interpolationMatrix.withUnsafeBufferPointer { b in
            for i in 0..<terms {
                var s = v[i]
                for k in 0..<i { s -= b[i + k * capacity] * v[k] }
                v[i] = s
            }
        }
    }
}

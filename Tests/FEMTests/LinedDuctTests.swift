import ComplexModule
import XCTest
import FEM
import LinearAlgebra

/// The lined duct (P2 Helmholtz, e^{−iωt}): the rigid duct carries the plane wave e^{ikx}
/// exactly up to the discretization error; incident = reflected + transmitted + absorbed for the
/// discrete solution; the Delany–Bazley liner is passive (it absorbs) over the whole band and
/// its surface impedance matches a hand computation.
final class LinedDuctTests: XCTestCase {
    /// Z_s of a 5 cm layer, σ = 20 kPa·s/m², at 1 kHz: the e^{+iωt} formulas of the issue in
    /// numpy (Z_c = ρc(1 + 0.0571 X^−0.754 − 0.087i X^−0.732), k_c likewise, Z_s = −i Z_c cot(k_c d)),
    /// conjugated to e^{−iωt}.
    func testDelanyBazleyImpedanceMatchesAHandComputation() {
        let layer = PorousLayer(thickness: 0.05, flowResistivity: 20_000)
        let z = layer.surfaceImpedance(frequency: 1000)
        XCTAssertEqual(z.real, 440.35166846754953, accuracy: 1e-9)
        XCTAssertEqual(z.imaginary, 207.97863990118876, accuracy: 1e-9)
        let zc = layer.characteristicImpedance(frequency: 1000), kc = layer.characteristicWavenumber(frequency: 1000)
        XCTAssertEqual(zc.real, 607.6583898135156, accuracy: 1e-9)
        XCTAssertEqual(zc.imaginary, 280.79405163765296, accuracy: 1e-9)
        XCTAssertEqual(kc.real, 31.156955836525785, accuracy: 1e-11)
        XCTAssertEqual(kc.imaginary, 18.46492544717277, accuracy: 1e-11, "e^{−iωt}: a wave e^{i k_c x} decays, Im k_c > 0")
    }

    /// TL(f, σ) against scikit-fem 12.0.2 on the same P2 discretization (its `MeshTri.init_tensor`
    /// cuts the squares along the same diagonal): K, M, the facet masses and b_in by `asm`, the
    /// same Delany–Bazley admittance, `scipy.sparse.linalg.splu` (the peer script
    /// /tmp/duct/duct_skfem.py quoted in docs/benchmarks.md).
    func testTransmissionLossMatchesScikitFEM() throws {
        let duct = LinedDuct(nx: 100, ny: 8)
        XCTAssertEqual(duct.dofCount, 3417)
        for (f, sigma, peer) in [(1000.0, 20_000.0, 19.696472499951817), (500, 5_000, 3.702234589085314), (1800, 50_000, 13.505966313980176)] {
            let p = try LUFactorization(duct.matrix(frequency: f, resistivity: sigma)).solve(duct.rightHandSide(frequency: f))
            XCTAssertEqual(duct.transmissionLoss(p, frequency: f, resistivity: sigma), peer, accuracy: 1e-8, "f = \(f), σ = \(sigma)")
        }
    }

    /// The admittance form with β = 1 on every side is the impedance form on all facets.
    func testAdmittanceFormAgreesWithTheImpedanceForm() {
        let assembler = Assembler(space: FunctionSpace(mesh: .rectangle(5, 3), order: 2))
        let a = assembler.helmholtz(wavenumber: 7)
        let b = assembler.helmholtz(wavenumber: 7, admittances: [1: Complex(1), 2: Complex(1), 3: Complex(1), 4: Complex(1)])
        XCTAssertEqual(a.columnIndices, b.columnIndices)
        let difference = zip(a.values, b.values).map { ($0 - $1).length }.max()!
        XCTAssertLessThan(difference, 1e-12)
    }

    /// Rigid walls (β = 0): p = e^{ikx} satisfies the inlet and outlet conditions exactly, so the
    /// P2 solution converges to it (rate ≥ 2.8 at the nodes), reflects nothing and transmits all.
    func testRigidDuctCarriesThePlaneWave() throws {
        let f = 2000.0
        var errors: [Double] = []
        for (nx, ny) in [(50, 4), (100, 8)] {
            let duct = LinedDuct(nx: nx, ny: ny)
            let p = try LUFactorization(duct.matrix(frequency: f, linerAdmittance: .zero)).solve(duct.rightHandSide(frequency: f))
            let k = duct.air.wavenumber(frequency: f)
            errors.append((0..<duct.space.nodeCount).map { node -> Double in
                let x = duct.space.nodePosition(node).x
                return (p[node] - Complex(Foundation.cos(k * x), Foundation.sin(k * x))).length
            }.max()!)
            let powers = duct.powers(p, linerAdmittance: .zero)
            XCTAssertEqual(powers.absorbed, 0)
            XCTAssertLessThan(powers.reflected / powers.incident, 1e-6, "\(nx)×\(ny)")
            XCTAssertLessThan(abs(powers.transmissionLoss), 1e-4, "\(nx)×\(ny)")
        }
        XCTAssertLessThan(errors[1], 2e-3, "\(errors)")
        XCTAssertGreaterThan(log2(errors[0] / errors[1]), 2.8, "\(errors)")
    }

    /// incident = reflected + transmitted + absorbed, from Im(pᴴ A p) = Im(pᴴ f): exact for the
    /// discrete solution (b_in = B_in 1), so to round-off and the solver's accuracy. The liner is
    /// passive over the band, Re Z_s > 0 so the absorbed power is positive, and it attenuates:
    /// TL > 0.
    func testEnergyBalanceAndTheLinerAbsorbsOverTheBand() throws {
        let duct = LinedDuct(nx: 60, ny: 5)
        var largestDefect = 0.0, smallestAbsorbed = Double.infinity, largestTL = 0.0
        for sigma in [5_000.0, 15_000, 50_000] {
            for f in stride(from: 200.0, through: 2000, by: 150) {
                XCTAssertGreaterThan(duct.liner(resistivity: sigma).surfaceImpedance(frequency: f).real, 0, "f = \(f), σ = \(sigma)")
                let beta = duct.linerAdmittance(frequency: f, resistivity: sigma)
                let p = try LUFactorization(duct.matrix(frequency: f, linerAdmittance: beta)).solve(duct.rightHandSide(frequency: f))
                let powers = duct.powers(p, linerAdmittance: beta)
                largestDefect = max(largestDefect, abs(powers.balanceDefect))
                smallestAbsorbed = min(smallestAbsorbed, powers.absorbed / powers.incident)
                XCTAssertGreaterThan(powers.transmissionLoss, 0, "f = \(f), σ = \(sigma)")
                XCTAssertEqual(powers.transmissionLoss, duct.transmissionLoss(p, frequency: f, resistivity: sigma), accuracy: 1e-12)
                largestTL = max(largestTL, powers.transmissionLoss)
            }
        }
        XCTAssertLessThan(largestDefect, 1e-10)
        XCTAssertGreaterThan(smallestAbsorbed, 1e-3, "the liner absorbs at every frequency and resistivity")
        XCTAssertGreaterThan(largestTL, 3, "a 40 cm liner attenuates by several dB somewhere in the band")
    }
}

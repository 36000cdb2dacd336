import ComplexModule
import Foundation
import XCTest
@testable import LinearAlgebra

final class MatrixMarketTests: XCTestCase {
    private var folder: IOTemporaryFolder!

    override func setUpWithError() throws { folder = try IOTemporaryFolder(name) }
    override func tearDown() { folder.remove() }

    private func randomSparse(rows: Int, columns: Int, triplets: Int, seed: UInt64) -> SparseMatrix {
        var random = IOTestRandom(seed: seed)
        var builder = SparseBuilder<Double>(rows: rows, columns: columns)
        for _ in 0..<triplets { builder.add(random.int(rows), random.int(columns), random.value()) }
        return builder.build()
    }

    /// The data lines of a file (neither banner, comment nor size line).
    private func dataLines(_ url: URL) throws -> [String] {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        return Array(lines.filter { !$0.hasPrefix("%") }.dropFirst())
    }

    // MARK: Round trips

    func testRoundTripRandomRealGeneralIsExact() throws {
        let a = randomSparse(rows: 57, columns: 43, triplets: 600, seed: 1)
        let url = folder.file("a.mtx")
        try MatrixMarket.write(a, to: url, comment: "random test matrix\nsecond line")
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("%%MatrixMarket matrix coordinate real general\n% random test matrix\n% second line\n57 43 \(a.nonzeroCount)\n"))
        XCTAssertEqual(try dataLines(url).count, a.nonzeroCount)
        let b = try MatrixMarket.readSparse(url)
        XCTAssertEqual(b, a)  // bit-exact values, same pattern
        XCTAssertEqual(try MatrixMarket.readDense(url), a.dense)
        XCTAssertEqual(try folder.listing(), ["a.mtx"])
    }

    func testRoundTripSymmetricWritesLowerTriangleAndExpands() throws {
        let b = randomSparse(rows: 40, columns: 40, triplets: 300, seed: 2)
        var builder = SparseBuilder<Double>(rows: 40, columns: 40)
        for i in 0..<40 {
            for k in b.rowPointers[i]..<b.rowPointers[i + 1] {
                builder.add(i, b.columnIndices[k], b.values[k])
                builder.add(b.columnIndices[k], i, b.values[k])
            }
        }
        let a = builder.build()
        XCTAssertTrue(a.isSymmetric())
        let url = folder.file("s.mtx")
        try MatrixMarket.write(a, to: url, symmetric: true)
        let lines = try dataLines(url)
        let lowerCount = (0..<40).reduce(0) { sum, i in
            sum + (a.rowPointers[i]..<a.rowPointers[i + 1]).filter { a.columnIndices[$0] <= i }.count
        }
        XCTAssertEqual(lines.count, lowerCount)
        for line in lines {
            let parts = line.split(separator: " ")
            XCTAssertGreaterThanOrEqual(Int(parts[0])!, Int(parts[1])!, "upper-triangle entry written: \(line)")
        }
        XCTAssertEqual(try MatrixMarket.readSparse(url), a)
    }

    func testRoundTripComplexGeneralAndHermitian() throws {
        var random = IOTestRandom(seed: 3)
        var general = SparseBuilder<Complex<Double>>(rows: 20, columns: 30)
        for _ in 0..<150 { general.add(random.int(20), random.int(30), Complex(random.value(), random.value())) }
        let a = general.build()
        let url = folder.file("c.mtx")
        try MatrixMarket.write(a, to: url)
        XCTAssertEqual(try MatrixMarket.readComplexSparse(url), a)

        var hermitian = SparseBuilder<Complex<Double>>(rows: 15, columns: 15)
        for i in 0..<15 { hermitian.add(i, i, Complex(random.value(), 0)) }
        for _ in 0..<40 {
            let i = random.int(15), j = random.int(15)
            guard i != j else { continue }
            let z = Complex(random.value(), random.value())
            hermitian.add(i, j, z)
            hermitian.add(j, i, z.conjugate)
        }
        let h = hermitian.build()
        let hurl = folder.file("h.mtx")
        try MatrixMarket.write(h, to: hurl, hermitian: true)
        XCTAssertTrue(try String(contentsOf: hurl, encoding: .utf8).hasPrefix("%%MatrixMarket matrix coordinate complex hermitian\n"))
        XCTAssertEqual(try MatrixMarket.readComplexSparse(hurl), h)
        XCTThrowsFileError(try MatrixMarket.write(a, to: folder.file("x.mtx"), hermitian: true))
    }

    func testRoundTripDenseArray() throws {
        var random = IOTestRandom(seed: 4)
        let a = Matrix(rows: 7, columns: 5, storage: (0..<35).map { _ in random.value() })
        let url = folder.file("d.mtx")
        try MatrixMarket.write(a, to: url)
        XCTAssertTrue(try String(contentsOf: url, encoding: .utf8).hasPrefix("%%MatrixMarket matrix array real general\n7 5\n"))
        XCTAssertEqual(try MatrixMarket.readDense(url), a)
        XCTAssertEqual(try MatrixMarket.readSparse(url).dense, a)
    }

    func testIntegralValuesAreWrittenWithoutFraction() throws {
        let a = SparseMatrix(rows: 2, columns: 2, rowPointers: [0, 2, 3], columnIndices: [0, 1, 1], values: [4, -1, 0.5])
        let url = folder.file("i.mtx")
        try MatrixMarket.write(a, to: url)
        XCTAssertEqual(try dataLines(url), ["1 1 4", "1 2 -1", "2 2 0.5"])
    }

    // MARK: Reading literal files

    func testPatternGeneralAndSymmetricReadAsOnes() throws {
        let general = try folder.write("""
            %%MatrixMarket matrix coordinate pattern general
            % a comment
            3 4 3
            1 1
            2 4
            3 2
            """, to: "p.mtx")
        let a = try MatrixMarket.readSparse(general)
        XCTAssertEqual(a.dense, Matrix(rowMajor: [[1, 0, 0, 0], [0, 0, 0, 1], [0, 1, 0, 0]]))
        let symmetric = try folder.write("%%MatrixMarket matrix coordinate pattern symmetric\n3 3 3\n1 1\n3 1\n3 2\n", to: "ps.mtx")
        XCTAssertEqual(try MatrixMarket.readSparse(symmetric).dense, Matrix(rowMajor: [[1, 0, 1], [0, 0, 1], [1, 1, 0]]))
    }

    func testIntegerFileSumsDuplicates() throws {
        let url = try folder.write("""
            %%MatrixMarket matrix coordinate integer general
            2 3 4
            1 1 5
            2 3 -7
            1 1 +2
            2 3 1
            """, to: "int.mtx")
        let a = try MatrixMarket.readSparse(url)
        XCTAssertEqual(a.nonzeroCount, 2)
        XCTAssertEqual(a[0, 0], 7)
        XCTAssertEqual(a[1, 2], -6)
        XCTAssertEqual(try MatrixMarket.readDense(url), Matrix(rowMajor: [[7, 0, 0], [0, 0, -6]]))
    }

    func testSymmetricAndSkewSymmetricExpansionEntryByEntry() throws {
        let symmetric = try folder.write("""
            %%MatrixMarket matrix coordinate real symmetric
            3 3 5
            1 1 4.0
            2 1 -1.5
            2 2 4
            3 2 -2.5e0
            3 3 1E1
            """, to: "sym.mtx")
        let expected: [[Double]] = [[4, -1.5, 0], [-1.5, 4, -2.5], [0, -2.5, 10]]
        let a = try MatrixMarket.readSparse(symmetric)
        for i in 0..<3 { for j in 0..<3 { XCTAssertEqual(a[i, j], expected[i][j], "A[\(i), \(j)]") } }
        XCTAssertEqual(a.nonzeroCount, 7)

        let skew = try folder.write("%%MatrixMarket matrix coordinate real skew-symmetric\n3 3 2\n2 1 3\n3 1 -0.25\n", to: "skew.mtx")
        let s = try MatrixMarket.readDense(skew)
        XCTAssertEqual(s, Matrix(rowMajor: [[0, -3, 0.25], [3, 0, 0], [-0.25, 0, 0]]))

        // Array symmetric: the lower triangle, column after column.
        let array = try folder.write("%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n3\n4\n5\n6\n", to: "asym.mtx")
        XCTAssertEqual(try MatrixMarket.readDense(array), Matrix(rowMajor: [[1, 2, 3], [2, 4, 5], [3, 5, 6]]))
        let arraySkew = try folder.write("%%MatrixMarket matrix array real skew-symmetric\n3 3\n1\n2\n3\n", to: "askew.mtx")
        XCTAssertEqual(try MatrixMarket.readDense(arraySkew), Matrix(rowMajor: [[0, -1, -2], [1, 0, -3], [2, 3, 0]]))
    }

    func testHermitianAndComplexSymmetricExpansion() throws {
        let url = try folder.write("""
            %%MatrixMarket matrix coordinate complex hermitian
            2 2 3
            1 1 2 0
            2 1 1.5 -0.5
            2 2 3 0
            """, to: "herm.mtx")
        let h = try MatrixMarket.readComplexSparse(url)
        XCTAssertEqual(h[0, 0], Complex(2, 0))
        XCTAssertEqual(h[1, 0], Complex(1.5, -0.5))
        XCTAssertEqual(h[0, 1], Complex(1.5, 0.5))
        XCTAssertEqual(h[1, 1], Complex(3, 0))
        let symmetric = try folder.write("%%MatrixMarket matrix coordinate complex symmetric\n2 2 1\n2 1 1 2\n", to: "csym.mtx")
        let c = try MatrixMarket.readComplexSparse(symmetric)
        XCTAssertEqual(c[0, 1], Complex(1, 2))
        XCTAssertEqual(c[1, 0], Complex(1, 2))
        // A real file reads into a complex matrix with zero imaginary parts.
        let real = try folder.write("%%MatrixMarket matrix coordinate real general\n1 2 1\n1 2 -3\n", to: "r.mtx")
        XCTAssertEqual(try MatrixMarket.readComplexSparse(real)[0, 1], Complex(-3, 0))
    }

    func testBlankLinesCrLfAndTabsAreAccepted() throws {
        let url = try folder.write("%%MatrixMarket matrix coordinate real general\r\n%c\r\n\r\n2 2 2\r\n1\t1  1.5\r\n\r\n% mid comment\r\n2 2 -2\r\n\r\n", to: "crlf.mtx")
        XCTAssertEqual(try MatrixMarket.readDense(url), Matrix(rowMajor: [[1.5, 0], [0, -2]]))
    }

    func testReadsSciPyWrittenFiles() throws {
        // Verbatim output of scipy.io.mmwrite (SciPy 1.17.1).
        let symmetric = try folder.write(
            "%%MatrixMarket matrix coordinate real symmetric\n%\n3 3 5\n1 1 4\n2 1 -1\n2 2 4\n3 2 -1.5\n3 3 4\n", to: "s.mtx")
        XCTAssertEqual(try MatrixMarket.readSparse(symmetric).dense, Matrix(rowMajor: [[4, -1, 0], [-1, 4, -1.5], [0, -1.5, 4]]))
        let complex = try folder.write(
            "%%MatrixMarket matrix coordinate complex general\n%\n2 2 3\n1 1 1 2\n2 1 0 5E-1\n2 2 3 0\n", to: "c.mtx")
        let c = try MatrixMarket.readComplexSparse(complex)
        XCTAssertEqual([c[0, 0], c[1, 0], c[0, 1], c[1, 1]], [Complex(1, 2), Complex(0, 0.5), .zero, Complex(3, 0)])
        let dense = try folder.write("%%MatrixMarket matrix array real general\n%\n2 2\n1\n3\n2\n4.5\n", to: "d.mtx")
        XCTAssertEqual(try MatrixMarket.readDense(dense), Matrix(rowMajor: [[1, 2], [3, 4.5]]))
    }

    // MARK: Number parsing and speed

    func testNumberParserMatchesSwiftParsingBitForBit() {
        var random = IOTestRandom(seed: 5)
        var texts = ["0", "-0", "+1", ".5", "5.", "1e5", "1E-5", "-2.5e+3", "0.1", "123456789012345678901234567890",
                     "4.9406564584124654e-324", "1.7976931348623157e308", "2.2250738585072014e-308", "9007199254740993",
                     "0.000000000000000000000000001", "00012.50"]
        for _ in 0..<3000 {
            let x = Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF)
            texts.append(x.description)
            texts.append(String(format: "%.17g", x))
            texts.append(String(format: "%.6e", random.value()))
            texts.append(String(format: "%.15g", random.value()))
        }
        for text in texts {
            var bytes = Array(text.utf8)
            bytes.append(0)
            let parsed = bytes.withUnsafeBufferPointer { parseDouble(UnsafeBufferPointer(rebasing: $0.dropLast())) }
            XCTAssertEqual(parsed?.bitPattern, Double(text)?.bitPattern, text)
        }
        for bad in ["", "-", ".", "e5", "1e", "1e+", "0x10", "1,5", "1..2", "--1", "abc", "1 2"] {
            var bytes = Array(bad.utf8)
            bytes.append(0)
            XCTAssertNil(bytes.withUnsafeBufferPointer { parseDouble(UnsafeBufferPointer(rebasing: $0.dropLast())) }, bad)
        }
    }

    func testLargeLaplacianRoundTripIsFast() throws {
        // A 2-D five-point Laplacian on a 300×300 grid: 90 000 rows, 448 800 entries.
        let m = 300, n = m * m
        var builder = SparseBuilder<Double>(rows: n, columns: n, reservingCapacity: 5 * n)
        for i in 0..<m {
            for j in 0..<m {
                let k = i * m + j
                builder.add(k, k, 4)
                if i > 0 { builder.add(k, k - m, -1) }
                if i < m - 1 { builder.add(k, k + m, -1) }
                if j > 0 { builder.add(k, k - 1, -1) }
                if j < m - 1 { builder.add(k, k + 1, -1) }
            }
        }
        let a = builder.build()
        let url = folder.file("laplacian.mtx")
        try MatrixMarket.write(a, to: url, symmetric: true)
        let start = Date()
        let b = try MatrixMarket.readSparse(url)
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(b, a)
        XCTAssertLessThan(seconds, 5, "reading \(a.nonzeroCount) entries took \(seconds) s")
    }
}

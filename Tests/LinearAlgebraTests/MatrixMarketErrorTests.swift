import ComplexModule
import Foundation
import XCTest
@testable import LinearAlgebra

/// Every way a Matrix Market file can be wrong must throw a `FileFormatError` naming the file and
/// the line, never crash.
final class MatrixMarketErrorTests: XCTestCase {
    private var folder: IOTemporaryFolder!

    override func setUpWithError() throws { folder = try IOTemporaryFolder(name) }
    override func tearDown() { folder.remove() }

    func testTruncatedFileReportsFoundAndAnnounced() throws {
        let url = try folder.write("%%MatrixMarket matrix coordinate real general\n3 3 4\n1 1 1\n2 2 1\n", to: "t.mtx")
        assertThrowsFileError(.tooFewEntries(file: "t.mtx", announced: 4, found: 2)) { try MatrixMarket.readSparse(url) }
        let dense = try folder.write("%%MatrixMarket matrix array real general\n1000 1000\n1\n2\n", to: "td.mtx")
        assertThrowsFileError(.tooFewEntries(file: "td.mtx", announced: 1_000_000, found: 2)) { try MatrixMarket.readDense(dense) }
    }

    func testGarbledNumberNamesItsLine() throws {
        let url = try folder.write("""
            %%MatrixMarket matrix coordinate real general
            % comment line 2

            3 3 3
            1 1 1.0
            % comment line 6
            2 2 1.2.3
            3 3 1
            """, to: "g.mtx")
        let error = fileError { try MatrixMarket.readSparse(url) }
        XCTAssertEqual(error, .malformed(file: "g.mtx", line: 7, expected: "a number", found: "1.2.3"))
        XCTAssertEqual(error?.description, "g.mtx, line 7: expected a number, found \"1.2.3\"")
    }

    func testWrongNumberOfFieldsMatchesDocumentedMessage() throws {
        let url = try folder.write("%%MatrixMarket matrix coordinate real general\n%\n%\n%\n3 3 2\n1 1 2\n1 2\n", to: "matrix.mtx")
        let error = fileError { try MatrixMarket.readSparse(url) }
        XCTAssertEqual(error?.description, "matrix.mtx, line 7: expected 3 numbers (row column value), found \"1 2\"")
        let extra = try folder.write("%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1 2 5\n", to: "e.mtx")
        assertThrowsFileError(.malformed(file: "e.mtx", line: 3, expected: "3 numbers (row column value)", found: "1 1 2 5")) {
            try MatrixMarket.readSparse(extra)
        }
    }

    func testIndexOutOfRangeNamesLineAndBound() throws {
        let url = try folder.write("%%MatrixMarket matrix coordinate real general\n3 4 2\n1 1 1\n2 5 1\n", to: "o.mtx")
        assertThrowsFileError(.malformed(file: "o.mtx", line: 4, expected: "a column index between 1 and 4", found: "5")) {
            try MatrixMarket.readSparse(url)
        }
        let zero = try folder.write("%%MatrixMarket matrix coordinate real general\n3 4 1\n0 1 1\n", to: "z.mtx")
        assertThrowsFileError(.malformed(file: "z.mtx", line: 3, expected: "a row index between 1 and 3", found: "0")) {
            try MatrixMarket.readSparse(zero)
        }
    }

    func testBadBannerUnsupportedAndSizeLine() throws {
        let noBanner = try folder.write("3 3 1\n1 1 1\n", to: "nb.mtx")
        let error = fileError { try MatrixMarket.readSparse(noBanner) }
        guard case let .malformed(file, line, _, found)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual([file, found], ["nb.mtx", "3 3 1"])
        XCTAssertEqual(line, 1)
        let badField = try folder.write("%%MatrixMarket matrix coordinate quaternion general\n1 1 0\n", to: "bf.mtx")
        XCTAssertNotNil(fileError { try MatrixMarket.readSparse(badField) })
        let vector = try folder.write("%%MatrixMarket vector coordinate real general\n1 1 0\n", to: "v.mtx")
        assertThrowsFileError(.unsupported(file: "v.mtx", detail: "object 'vector': only 'matrix' is read")) {
            try MatrixMarket.readSparse(vector)
        }
        let complex = try folder.write("%%MatrixMarket matrix coordinate complex general\n1 1 0\n", to: "c.mtx")
        guard case .unsupported? = fileError({ try MatrixMarket.readSparse(complex) }) else { return XCTFail() }
        let size = try folder.write("%%MatrixMarket matrix coordinate real general\n3 x 1\n", to: "sz.mtx")
        assertThrowsFileError(.malformed(file: "sz.mtx", line: 2, expected: "3 integers (rows columns entries)", found: "3 x 1")) {
            try MatrixMarket.readSparse(size)
        }
        let notSquare = try folder.write("%%MatrixMarket matrix coordinate real symmetric\n3 4 0\n", to: "ns.mtx")
        XCTAssertNotNil(fileError { try MatrixMarket.readSparse(notSquare) })
        let empty = try folder.write("", to: "empty.mtx")
        XCTAssertNotNil(fileError { try MatrixMarket.readSparse(empty) })
        guard case .unreadable? = fileError({ try MatrixMarket.readSparse(folder.file("missing.mtx")) }) else { return XCTFail() }
    }

    func testNaNInfinityAndTrailingEntriesAreRejected() throws {
        let nan = try folder.write("%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n2 2 NaN\n", to: "nan.mtx")
        assertThrowsFileError(.malformed(file: "nan.mtx", line: 4, expected: "a finite number", found: "NaN")) {
            try MatrixMarket.readSparse(nan)
        }
        let inf = try folder.write("%%MatrixMarket matrix array real general\n2 1\n-inf\n1\n", to: "inf.mtx")
        assertThrowsFileError(.malformed(file: "inf.mtx", line: 3, expected: "a finite number", found: "-inf")) {
            try MatrixMarket.readDense(inf)
        }
        let overflow = try folder.write("%%MatrixMarket matrix array real general\n1 1\n1e999\n", to: "big.mtx")
        assertThrowsFileError(.malformed(file: "big.mtx", line: 3, expected: "a finite number", found: "1e999")) {
            try MatrixMarket.readDense(overflow)
        }
        let trailing = try folder.write("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1\n2 2 1\n", to: "tr.mtx")
        assertThrowsFileError(.malformed(file: "tr.mtx", line: 4, expected: "the end of the file after 1 entries", found: "2 2 1")) {
            try MatrixMarket.readSparse(trailing)
        }
        let skewDiagonal = try folder.write("%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n1 1 1\n", to: "sd.mtx")
        XCTAssertNotNil(fileError { try MatrixMarket.readSparse(skewDiagonal) })
    }

    func testWritersRejectNonFiniteAndAsymmetric() throws {
        let url = folder.file("w.mtx")
        let nan = SparseMatrix(rows: 2, columns: 2, rowPointers: [0, 1, 2], columnIndices: [0, 1], values: [1, .nan])
        assertThrowsFileError(.invalidInput(file: "w.mtx", detail: "entry (1, 1) holds nan")) { try MatrixMarket.write(nan, to: url) }
        let asymmetric = SparseMatrix(rows: 2, columns: 2, rowPointers: [0, 2, 2], columnIndices: [0, 1], values: [1, 2])
        XCTThrowsFileError(try MatrixMarket.write(asymmetric, to: url, symmetric: true))
        XCTThrowsFileError(try MatrixMarket.write(Matrix(rows: 1, columns: 1, repeating: .infinity), to: url))
        XCTAssertEqual(try folder.listing(), [], "a rejected write must leave no file")
    }

    func testRandomDamageNeverCrashes() throws {
        let text = Array("""
            %%MatrixMarket matrix coordinate real symmetric
            % comment
            4 4 6
            1 1 4.5
            2 1 -1e-3
            2 2 4
            3 2 -1
            4 3 2.5E+2
            4 4 1
            """.utf8)
        var random = IOTestRandom(seed: 31)
        let url = folder.file("fuzz.mtx")
        let alphabet = Array("0123456789 \n%.-+eE".utf8) + [0, 0xFF, UInt8(ascii: "x")]
        var thrown = 0
        for round in 0..<1500 {
            var bytes = text
            for _ in 0..<(1 + random.int(3)) {
                let k = random.int(bytes.count)
                switch random.int(3) {
                case 0: bytes[k] = alphabet[random.int(alphabet.count)]
                case 1: bytes.remove(at: k)
                default: bytes.insert(alphabet[random.int(alphabet.count)], at: k)
                }
            }
            try Data(bytes).write(to: url)
            for read in [{ _ = try MatrixMarket.readSparse(url) }, { _ = try MatrixMarket.readDense(url) },
                         { _ = try MatrixMarket.readComplexSparse(url) }] {
                do { try read() } catch is FileFormatError { thrown += 1 } catch { XCTFail("round \(round): \(error)") }
            }
        }
        XCTAssertGreaterThan(thrown, 1500, "most damage must be detected")
    }
}

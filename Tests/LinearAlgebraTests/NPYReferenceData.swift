import Foundation

/// NPY and NPZ files written by NumPy 2.4.6 (`numpy.save`, `numpy.savez`, `numpy.savez_compressed`),
/// base64-encoded, generated once by the script in the comment of each constant; tests never run Python.
enum NumPyReference {
    /// `np.save(f, np.asfortranarray(np.arange(12.).reshape(3, 4) / 4))`
    static let fortran3x4 =
        "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMywgNCksIH0gICAgICAg" +
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAPA/AAAAAAAA" +
        "AEAAAAAAAADQPwAAAAAAAPQ/AAAAAAAAAkAAAAAAAADgPwAAAAAAAPg/AAAAAAAABEAAAAAAAADoPwAAAAAAAPw/AAAAAAAABkA="
    /// `np.save(f, np.array([1.5, -2.0, 3.25, 0.1, 1e-300]))`
    static let vector5 =
        "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDUsKSwgfSAgICAgICAg" +
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4PwAAAAAAAADAAAAAAAAA" +
        "CkCamZmZmZm5P1nz+MIfbqUB"
    /// `np.save(f, np.array([[1, -2, 3], [4, 5, -6]], dtype=np.int64))`
    static let int2x3 =
        "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAg" +
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAAAAAAAP7/////////AwAAAAAA" +
        "AAAEAAAAAAAAAAUAAAAAAAAA+v////////8="
    /// `np.save(f, np.array([1+2j, -0.5j, 3.0]))`
    static let complex3 =
        "k05VTVBZAQB2AHsnZGVzY3InOiAnPGMxNicsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgzLCksIH0gICAgICAg" +
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAAABAAAAAAAAA" +
        "AIAAAAAAAADgvwAAAAAAAAhAAAAAAAAAAAA="
    /// `np.save(f, np.array([[1.5, -2], [0.25, 3]], dtype=np.float32))`
    static let float32x2x2 =
        "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAg" +
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAAwAAAgD4AAEBA"
    /// `np.save(f, np.array(2.5))`
    static let scalar =
        "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAg" +
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAEQA=="
    /// `np.save(f, np.array([1.0, -2.5], dtype='>f8'))`
    static let bigEndian =
        "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAg" +
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/8AAAAAAAAMAEAAAAAAAA"
    /// `np.save(f, np.array([1, -2, 3], dtype='<i4'))`
    static let int32 =
        "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAg" +
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAA/v///wMAAAA="
    /// `np.save(f, np.array([True, False, True]))`
    static let bool =
        "k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAg" +
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAE="
    /// `np.save(f, np.array([1+2j, -3j], dtype=np.complex64))`
    static let complex64 =
        "k05VTVBZAQB2AHsnZGVzY3InOiAnPGM4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAg" +
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AAAAQAAAAIAAAEDA"
    /// `np.savez(f, a=np.array([[1, 2], [3, 4], [5, 6.5]]), n=np.array([7, -8, 9], dtype=np.int64), z=np.array([1+1j, -2j]))`
    static let savez =
        "UEsDBC0AAAAAAAAAIQDFzdCa//////////8FABQAYS5ucHkBABAAsAAAAAAAAACwAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzog" +
        "JzxmOCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgzLCAyKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAg" +
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAAAAAAAA8D8AAAAAAAAAQAAAAAAAAAhAAAAAAAAAEEAAAAAAAAAUQAAA" +
        "AAAAABpAUEsDBC0AAAAAAAAAIQAIj59C//////////8FABQAbi5ucHkBABAAmAAAAAAAAACYAAAAAAAAAJNOVU1QWQEAdgB7J2Rl" +
        "c2NyJzogJzxpOCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgzLCksIH0gICAgICAgICAgICAgICAgICAgICAg" +
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKBwAAAAAAAAD4/////////wkAAAAAAAAAUEsDBC0AAAAAAAAA" +
        "IQC1mx+e//////////8FABQAei5ucHkBABAAoAAAAAAAAACgAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxjMTYnLCAnZm9y" +
        "dHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg" +
        "ICAgICAgICAgICAgICAgICAgICAKAAAAAAAA8D8AAAAAAADwPwAAAAAAAACAAAAAAAAAAMBQSwECLQMtAAAAAAAAACEAxc3QmrAA" +
        "AACwAAAABQAAAAAAAAAAAAAAgAEAAAAAYS5ucHlQSwECLQMtAAAAAAAAACEACI+fQpgAAACYAAAABQAAAAAAAAAAAAAAgAHnAAAA" +
        "bi5ucHlQSwECLQMtAAAAAAAAACEAtZsfnqAAAACgAAAABQAAAAAAAAAAAAAAgAG2AQAAei5ucHlQSwUGAAAAAAMAAwCZAAAAjQIA" +
        "AAAA"
    /// `np.savez_compressed(f, <same arrays as savez>)`
    static let savezCompressed =
        "UEsDBC0AAAAIAAAAIQDFzdCa//////////8FABQAYS5ucHkBABAAsAAAAAAAAABaAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6l" +
        "oG6TZqGuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GsY6CkaaOgq1CmQDLgYw+GAPoRkcIBQHlBaA0iJQWsoBAFBLAwQt" +
        "AAAACAAAACEACI+fQv//////////BQAUAG4ubnB5AQAQAJgAAAAAAAAATgAAAAAAAACb7BfqGxDJyFDGUK2eklqcXKRupaBuk2mh" +
        "rqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RrGOpo6CrUKFAAudgYI+PEfAjihfABQSwMELQAAAAgAAAAhALWbH57/////" +
        "/////wUAFAB6Lm5weQEAEACgAAAAAAAAAFAAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgbpNsaKauo6Cell9UUpSYF59flJIK" +
        "knBLzClOBYoXZyQWpAL5GkY6mjoKtQrkAy4GMPhgj0ozNEDpAwBQSwECLQMtAAAACAAAACEAxc3QmloAAACwAAAABQAAAAAAAAAA" +
        "AAAAgAEAAAAAYS5ucHlQSwECLQMtAAAACAAAACEACI+fQk4AAACYAAAABQAAAAAAAAAAAAAAgAGRAAAAbi5ucHlQSwECLQMtAAAA" +
        "CAAAACEAtZsfnlAAAACgAAAABQAAAAAAAAAAAAAAgAEWAQAAei5ucHlQSwUGAAAAAAMAAwCZAAAAnQEAAAAA"

    /// The decoded bytes of one of the constants.
    static func bytes(_ base64: String) -> Data { Data(base64Encoded: base64)! }
}

import Foundation
import LinearAlgebra

/// A model file holding other model files: a dictionary of local models (`local-reduced-bases`,
/// one certified model per cluster) or the local models of a partition
/// (`hp-nonintrusive-reduced-basis`, one nonintrusive model per subdomain). Each member is stored
/// as its own file would hold it, its entries named with a prefix (`cluster_0/reduced_operators`,
/// `cluster_0/model.json`), so `numpy.load` sees every array and the member's reader checks it.
extension NPZArchive {
    /// Adds a member's arrays and its encoded `model.json` under `prefix`.
    mutating func insertMember(arrays: [String: NPYArray], header: Data, prefix: String) {
        for (name, array) in arrays { self.arrays[prefix + name] = array }
        otherEntries[prefix + ModelArchive.headerEntry] = header
    }

    /// The member stored under `prefix` as an archive of its own (named `file` in errors); nil
    /// when its `model.json` is missing.
    func member(prefix: String, file: String) -> NPZArchive? {
        guard let header = otherEntries[prefix + ModelArchive.headerEntry] else { return nil }
        var member = NPZArchive(otherEntries: [ModelArchive.headerEntry: header], fileName: file)
        for (name, array) in arrays where name.hasPrefix(prefix) { member.arrays[String(name.dropFirst(prefix.count))] = array }
        return member
    }
}

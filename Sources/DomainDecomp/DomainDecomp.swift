import CMPI
import CMetis
import LinearAlgebra

/// METIS partitions and MPI-distributed offline stages (`Communicator`, `MeshPartition`,
/// `DistributedMatrix`, `DistributedPOD`, `TwoLevelSchwarz`); the distributed POD plugs into
/// LinearAlgebra's `Reduction` seam through `MPIReduction` (docs/distributed.md). This type
/// reports the versions of the linked libraries.
public enum DomainDecompModule {
    /// The name of the module, for provenance records.
    public static let name = "DomainDecomp"

    /// The METIS version this module links against, as "major.minor.subminor".
    public static var metisVersion: String {
        "\(METIS_VER_MAJOR).\(METIS_VER_MINOR).\(METIS_VER_SUBMINOR)"
    }

    /// The MPI standard version the linked MPI library implements, as "version.subversion".
    /// Callable before `MPI_Init`.
    public static var mpiStandardVersion: String {
        var version: Int32 = 0
        var subversion: Int32 = 0
        MPI_Get_version(&version, &subversion)
        return "\(version).\(subversion)"
    }
}

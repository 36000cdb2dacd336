// swift-tools-version:6.0
import PackageDescription

/// ROMKit: reduced-order modeling of parametrized PDEs.
/// Layout, seams and import rules: docs/architecture.md (no arrow runs upward: FEM and ROM never import each other).
let package = Package(
    name: "ROMKit",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "FEM", targets: ["FEM"]),
        .library(name: "ROM", targets: ["ROM"]),
        .library(name: "EIM", targets: ["EIM"]),
        .library(name: "DomainDecomp", targets: ["DomainDecomp"]),
        .library(name: "Materials", targets: ["Materials"]),
        .executable(name: "rom-bench", targets: ["rom-bench"]),
        .executable(name: "thermal-block", targets: ["thermal-block"]),
        .executable(name: "matrix-functions", targets: ["matrix-functions"]),
        .executable(name: "nonintrusive-rb", targets: ["nonintrusive-rb"]),
        .executable(name: "poisson", targets: ["poisson"]),
        .executable(name: "eim-functions", targets: ["eim-functions"]),
        .executable(name: "rom", targets: ["rom"]),
        .executable(name: "eifmm", targets: ["eifmm"]),
        .executable(name: "local-bases", targets: ["local-bases"]),
        .executable(name: "romkit-fuzz", targets: ["romkit-fuzz"]),
        .executable(name: "distributed-pod", targets: ["distributed-pod"]),
        .executable(name: "turbine-blade", targets: ["turbine-blade"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    ],
    targets: [
        // System libraries (Debian packages installed by `make deps`).
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas"),
        .systemLibrary(name: "CLAPACKE", path: "Sources/CLAPACKE", pkgConfig: "lapacke"),
        .systemLibrary(name: "CSuiteSparse", path: "Sources/CSuiteSparse"),
        .systemLibrary(name: "CMetis", path: "Sources/CMetis"),
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "mpi"),

        .target(
            name: "LinearAlgebra",
            dependencies: [
                "CBLAS", "CLAPACKE", "CSuiteSparse",
                .product(name: "ComplexModule", package: "swift-numerics"),
                .product(name: "RealModule", package: "swift-numerics"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .target(
            name: "FEM",
            dependencies: [
                "LinearAlgebra", "Materials",
                .product(name: "ComplexModule", package: "swift-numerics"),
                .product(name: "RealModule", package: "swift-numerics"),
            ]
        ),
        .target(name: "EIM", dependencies: ["LinearAlgebra", "CSmallKernels"]),
        // Constitutive laws at an integration point, shared by FEM's solver and ROM's online model.
        .target(name: "Materials"),
        // ROMKit's own SIMD loops (online queries of small reduced orders, the EIM greedy's corrections), AVX2 chosen at run time.
        .target(name: "CSmallKernels", path: "Sources/CSmallKernels"),
        .target(name: "ROM", dependencies: ["LinearAlgebra", "EIM", "Materials", "CSmallKernels", "CBLAS", .product(name: "ComplexModule", package: "swift-numerics"),
                                       .product(name: "RealModule", package: "swift-numerics")]),
        .target(name: "DomainDecomp", dependencies: ["LinearAlgebra", "FEM", "ROM", "CMetis", "CMPI",
                                               .product(name: "ComplexModule", package: "swift-numerics"),
                                               .product(name: "RealModule", package: "swift-numerics")]),

        // The options every driver and benchmark shares (--json, --quiet).
        .target(name: "DriverOptions", dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "rom-bench",
            dependencies: [
                "LinearAlgebra", "ROM", "FEM", "EIM", "CaseProblems", "DriverOptions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .executableTarget(
            name: "eim-functions",
            dependencies: [
                "EIM", "LinearAlgebra", "DriverOptions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "cases/eim-functions"
        ),
        .executableTarget(
            name: "rom",
            dependencies: [
                "ROM", "LinearAlgebra", "DriverOptions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ComplexModule", package: "swift-numerics"),
                .product(name: "RealModule", package: "swift-numerics"),
            ],
            path: "Sources/rom"
        ),
        .executableTarget(
            name: "eifmm",
            dependencies: [
                "EIM", "LinearAlgebra", "DriverOptions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "cases/eifmm"
        ),

        // Scratch folders and fixtures shared by the test targets.
        .target(name: "FuzzTargets", dependencies: ["LinearAlgebra", "FEM", "ROM"]),
        .executableTarget(name: "romkit-fuzz", dependencies: ["FuzzTargets"]),
        .testTarget(name: "FuzzCorpusTests", dependencies: ["FuzzTargets"], exclude: ["corpus"]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "LinearAlgebraTests",
            dependencies: [
                "LinearAlgebra", "TestSupport",
                .product(name: "ComplexModule", package: "swift-numerics"),
            ]
        ),
        .testTarget(name: "ROMTests", dependencies: ["ROM", "LinearAlgebra", "Materials", "TestSupport"]),
        .testTarget(name: "CaseProblemsTests", dependencies: ["CaseProblems", "ROM", "LinearAlgebra", "TestSupport",
                                                              .product(name: "ComplexModule", package: "swift-numerics"),
                                                              .product(name: "RealModule", package: "swift-numerics")]),
        .testTarget(name: "MaterialsTests", dependencies: ["Materials"]),
        // The problems of the test cases, shared by their drivers and rom-bench (where FEM meets ROM).
        .target(name: "CaseProblems", dependencies: ["FEM", "ROM", "LinearAlgebra", .product(name: "ComplexModule", package: "swift-numerics"),
                                             .product(name: "RealModule", package: "swift-numerics")],
                path: "cases/CaseProblems"),
        .executableTarget(
            name: "matrix-functions",
            dependencies: ["CaseProblems", "ROM", "LinearAlgebra", "DriverOptions",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "cases/matrix-functions"
        ),
        .executableTarget(
            name: "thermal-block",
            dependencies: ["CaseProblems", "FEM", "ROM", "LinearAlgebra", "DriverOptions",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "cases/thermal-block"
        ),
        .executableTarget(
            name: "nonintrusive-rb",
            dependencies: ["CaseProblems", "FEM", "ROM", "LinearAlgebra", "DriverOptions",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "ComplexModule", package: "swift-numerics"), .product(name: "RealModule", package: "swift-numerics")],
            path: "cases/nonintrusive-rb"
        ),
        .executableTarget(
            name: "local-bases",
            dependencies: ["CaseProblems", "ROM", "LinearAlgebra", "DriverOptions",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "cases/local-bases"
        ),
        .executableTarget(
            name: "poisson",
            dependencies: ["FEM", "LinearAlgebra", "DriverOptions", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "cases/poisson"
        ),
        .executableTarget(
            name: "turbine-blade",
            dependencies: ["FEM", "ROM", "Materials", "LinearAlgebra", "DriverOptions", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "cases/turbine-blade"
        ),
        .testTarget(
            name: "FEMTests",
            dependencies: ["FEM", "Materials", "LinearAlgebra", "TestSupport", .product(name: "ComplexModule", package: "swift-numerics")]
        ),
        .testTarget(name: "EIMTests", dependencies: ["EIM", "LinearAlgebra", "CSmallKernels", "TestSupport"]),
        .executableTarget(
            name: "distributed-pod",
            dependencies: ["DomainDecomp", "CaseProblems", "FEM", "ROM", "LinearAlgebra", "DriverOptions",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "cases/distributed-pod"
        ),
        // The multi-rank checks of the Communicator, run under mpirun by the driver tests.
        .executableTarget(
            name: "mpi-check",
            dependencies: ["DomainDecomp", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "ComplexModule", package: "swift-numerics")],
            path: "Tests/MPICheck"
        ),
        .testTarget(name: "DomainDecompTests", dependencies: ["DomainDecomp", "FEM", "ROM", "LinearAlgebra", "TestSupport"]),
        .testTarget(name: "ModuleTests", dependencies: ["FEM", "ROM", "EIM", "DomainDecomp"]),
        // End-to-end tests of the drivers: run each executable on a small case, compare its JSON.
        .testTarget(name: "DriverTests", dependencies: ["rom-bench", "thermal-block", "matrix-functions", "nonintrusive-rb", "poisson", "eim-functions", "rom", "eifmm", "local-bases", "distributed-pod", "turbine-blade", "mpi-check", "ROM", "LinearAlgebra", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

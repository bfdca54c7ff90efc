// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "render-check",
    products: [
        .executable(name: "render-check", targets: ["render-check"]),
        .library(name: "ManifestModel", targets: ["ManifestModel"]),
        .library(name: "LayerContract", targets: ["LayerContract"]),
        .library(name: "ValuesAnchors", targets: ["ValuesAnchors"]),
        .library(name: "Reporting", targets: ["Reporting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CYaml",
            path: "Sources/CYaml",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // Subcharts packaged as charts/*.tgz are gzip: Debian's zlib inflates them.
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "ManifestModel", dependencies: ["CYaml"]),
        .target(name: "ValuesAnchors", dependencies: ["ManifestModel", "CZlib"]),
        .target(name: "LayerContract", dependencies: ["ManifestModel", "ValuesAnchors"]),
        .target(name: "Reporting", dependencies: ["LayerContract", "ValuesAnchors", "ManifestModel"]),
        .target(name: "LanguageServer", dependencies: ["LayerContract", "ValuesAnchors", "ManifestModel"]),
        .executableTarget(
            name: "render-check",
            dependencies: [
                "ManifestModel", "LayerContract", "ValuesAnchors", "Reporting", "LanguageServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CYamlTests", dependencies: ["CYaml"]),
        .testTarget(name: "ManifestModelTests", dependencies: ["ManifestModel"], exclude: ["Fixtures"]),
        .testTarget(name: "LayerContractTests", dependencies: ["LayerContract", "ManifestModel"]),
        .testTarget(name: "ValuesAnchorsTests", dependencies: ["ValuesAnchors", "ManifestModel"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "LayerContract", "ManifestModel"],
                    exclude: ["Golden"]),
        .testTarget(name: "RenderCheckTests", dependencies: ["render-check"]),
        .testTarget(name: "LanguageServerTests", dependencies: ["LanguageServer", "LayerContract", "ManifestModel"]),
        .testTarget(name: "RobustnessTests", dependencies: ["render-check"]),
    ]
)

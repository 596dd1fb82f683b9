// swift-tools-version:5.9
// The Swift suite and benchmark, against the generated bindings and the library built for this
// machine. scripts/foreign-tests.sh stages this package under build/foreign/swift, adding the
// generated files (Sources/TwofoldCore/TwofoldCore.swift, Sources/TwofoldCoreFFI/*.h) and the
// library (lib/libtwofold_ffi.so), then runs `swift test` in the Debian 13 Swift chroot.
import Foundation
import PackageDescription

// Absolute, so the linker and the run-time loader find the library wherever `swift` runs.
let libDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("lib").path

let package = Package(
    name: "TwofoldCore",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [.library(name: "TwofoldCore", targets: ["TwofoldCore"])],
    targets: [
        .systemLibrary(name: "TwofoldCoreFFI", path: "Sources/TwofoldCoreFFI"),
        .target(
            name: "TwofoldCore",
            dependencies: ["TwofoldCoreFFI"],
            path: "Sources/TwofoldCore",
            linkerSettings: [
                .unsafeFlags(["-L", libDir, "-Xlinker", "-rpath", "-Xlinker", libDir]),
            ]
        ),
        .testTarget(name: "TwofoldCoreTests", dependencies: ["TwofoldCore"], path: "Tests/TwofoldCoreTests"),
        .executableTarget(name: "TwofoldBench", dependencies: ["TwofoldCore"], path: "bench"),
    ]
)

// swift-tools-version:5.9
// TwofoldKit: the generated Swift bindings of the Rust core (`TwofoldCore`, over the C module
// `TwofoldCoreFFI`) and a thin idiomatic layer for the SwiftUI app (`TwofoldKit`: async/await,
// AsyncStreams, typed errors, view-state models without UIKit or SwiftUI).
//
// Where the compiled core comes from depends on the platform that builds the package, so the
// choice is made here with `#if os(...)` rather than with an environment variable (a manifest
// is evaluated on the build host, and Xcode gives it no environment the developer controls):
//
// - On a Mac (Xcode, for iOS and the simulators): `Frameworks/TwofoldCoreFFI.xcframework`, a
//   binary target made by `../build-core.sh` (static libraries per slice, with the generated
//   header and module map). The module map inside it names no library: the XCFramework links
//   its own slice.
// - On Linux (the tests in CI): a `.systemLibrary` whose module map links `twofold_ffi`, and the
//   host library in `lib/` beside this file, found by `-L` at link time and by an rpath at run
//   time. `../test-linux.sh` stages this package with the header and the library.
//
// `Sources/TwofoldCore/TwofoldCore.swift` is generated in both cases (never committed).
import Foundation
import PackageDescription

#if os(Linux)
// Absolute, so the linker and the run-time loader find the library wherever `swift` runs.
let libDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("lib").path
let ffiTarget: Target = .systemLibrary(name: "TwofoldCoreFFI", path: "Sources/TwofoldCoreFFI")
let coreLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(["-L", libDir, "-Xlinker", "-rpath", "-Xlinker", libDir]),
]
#else
let ffiTarget: Target = .binaryTarget(name: "TwofoldCoreFFI", path: "Frameworks/TwofoldCoreFFI.xcframework")
// The static library needs these system libraries on Apple platforms (SQLCipher's crypto is
// the Rust provider inside it, ADR 0018; the Rust standard library wants libresolv).
let coreLinkerSettings: [LinkerSetting] = [
    .linkedLibrary("resolv"),
    .linkedFramework("Security"),
    .linkedFramework("SystemConfiguration"),
]
#endif

let package = Package(
    name: "TwofoldKit",
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [.library(name: "TwofoldKit", targets: ["TwofoldKit"])],
    targets: [
        ffiTarget,
        .target(
            name: "TwofoldCore",
            dependencies: ["TwofoldCoreFFI"],
            path: "Sources/TwofoldCore",
            exclude: ["README.md"],
            linkerSettings: coreLinkerSettings
        ),
        .target(name: "TwofoldKit", dependencies: ["TwofoldCore"], path: "Sources/TwofoldKit"),
        .testTarget(name: "TwofoldKitTests", dependencies: ["TwofoldKit"], path: "Tests/TwofoldKitTests"),
    ]
)

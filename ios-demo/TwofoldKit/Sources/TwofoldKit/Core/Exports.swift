// The app imports only TwofoldKit: the generated records and enums (Contact, Meeting, …) are
// the app's model types too, so they are re-exported rather than mirrored a second time. The
// early-warning alert is generated as `WarningAlert` in Swift (bindings/uniffi.toml), so that
// it does not clash with SwiftUI's `Alert`.
@_exported import TwofoldCore

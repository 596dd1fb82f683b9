// The app imports only TwofoldKit: the generated records and enums (Contact, Meeting, …) are
// the app's model types too, so they are re-exported rather than mirrored a second time.
@_exported import TwofoldCore

/// `Alert` would clash with SwiftUI's `Alert` in every file of the app that imports both.
public typealias WarningAlert = TwofoldCore.Alert

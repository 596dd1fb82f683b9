import SwiftUI
import TwofoldKit

/// String-table keys of the core's enums, so every view shows them the same way (and in the
/// person's language). Keys are in Resources/*.lproj/Localizable.strings.
enum Labels {
    static func domain(_ domain: Domain) -> LocalizedStringKey {
        switch domain {
        case .substance: return "domain.substance"
        case .mentalHealth: return "domain.mentalHealth"
        case .both: return "domain.both"
        }
    }

    static func kind(_ kind: DocumentKind) -> LocalizedStringKey {
        switch kind {
        case .plan: return "document.plan"
        case .contacts: return "document.contacts"
        case .schedule: return "document.schedule"
        case .journal: return "document.journal"
        case .summary: return "document.summary"
        case .notes: return "document.notes"
        }
    }

    static func access(_ access: Access) -> LocalizedStringKey {
        access == .write ? "access.write" : "access.read"
    }

    static func meetingKind(_ kind: MeetingKind) -> LocalizedStringKey {
        switch kind {
        case .peerSupportGroup: return "meeting.kind.peerSupportGroup"
        case .twelveStep: return "meeting.kind.twelveStep"
        case .smart: return "meeting.kind.smart"
        case .dualRecoveryAnonymous: return "meeting.kind.dualRecoveryAnonymous"
        case .therapy: return "meeting.kind.therapy"
        case .psychiatry: return "meeting.kind.psychiatry"
        case .mentorSession: return "meeting.kind.mentorSession"
        case .other: return "meeting.kind.other"
        }
    }

    static func format(_ format: MeetingFormat) -> LocalizedStringKey {
        switch format {
        case .inPerson: return "meeting.format.inPerson"
        case .online: return "meeting.format.online"
        case .phone: return "meeting.format.phone"
        case .hybrid: return "meeting.format.hybrid"
        }
    }

    static func phase(_ phase: SyncStatus.Phase) -> LocalizedStringKey {
        switch phase {
        case .idle: return "sync.idle"
        case .syncing: return "sync.syncing"
        case .upToDate: return "sync.upToDate"
        case .offline: return "sync.offline"
        case .failed: return "sync.failed"
        }
    }

    static let meetingKinds: [MeetingKind] = [
        .peerSupportGroup, .twelveStep, .smart, .dualRecoveryAnonymous, .therapy, .psychiatry, .mentorSession, .other,
    ]
    static let meetingFormats: [MeetingFormat] = [.inPerson, .online, .phone, .hybrid]
    static let domains: [Domain] = [.substance, .mentalHealth, .both]

    /// A phrase from the core (alert reasons, milestone names) in the person's language.
    static let phrases = PhraseText.bundle(.main)

    static func date(ms: Int64) -> String {
        Clock.date(ms: ms).formatted(date: .abbreviated, time: .shortened)
    }
}

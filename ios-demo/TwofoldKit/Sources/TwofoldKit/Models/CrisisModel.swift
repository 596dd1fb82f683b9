import Foundation
import TwofoldCore

/// The crisis screen, one tap from every screen: the safety plan in one value, read from the
/// phone alone (no network is ever needed), the people to call and message, and the local
/// crisis line when the plan names none.
@MainActor
public final class CrisisModel: ViewModel {
    let store: Store
    let lang: Lang
    /// The phone's region (ISO 3166-1 alpha-2): its emergency number and the core's bundled
    /// crisis lines show when the person has set no line of their own.
    let region: String?

    public private(set) var screen: CrisisScreen? { willSet { willChange() } }
    public private(set) var localLine: LocalCrisisLine? { willSet { willChange() } }
    /// The "please help" message to start from: candidates, preselected people, the text.
    public private(set) var helpDraft: HelpDraft? { willSet { willChange() } }

    /// `lang` picks the language of the core's default help text (the person's own text wins).
    public init(store: Store, lang: Lang, region: String? = nil) {
        self.store = store
        self.lang = lang
        self.region = region
    }

    /// Reads everything at once; synchronous reads, so the screen is filled before it shows.
    public func load() {
        do {
            let (screen, line, draft) = try store.read { core in
                (try core.crisisScreenForRegion(region: region), try core.localCrisisLine(), try core.helpDraft(lang: lang))
            }
            self.screen = screen
            self.localLine = line
            self.helpDraft = draft
        } catch {
            failure = error as? StoreError
        }
    }

    /// A `tel:` link for one of a person's phones (nil when none is dialable).
    public func callLink(_ phones: [Phone]) -> URL? {
        PhoneLinks.firstNumber(phones).flatMap(PhoneLinks.call)
    }

    /// An `sms:` link asking the chosen contacts (ids) for help, in `text` (the draft's text
    /// when nil). Nil when none of them has a number.
    public func helpMessageLink(to recipients: [String], text: String? = nil) -> URL? {
        do {
            let body = text ?? helpDraft?.text ?? ""
            let message = try store.read { try $0.prepareHelpMessage(recipients: recipients, text: body) }
            return PhoneLinks.message(message.recipients.map(\.number), body: message.text)
        } catch {
            failure = error as? StoreError
            return nil
        }
    }

    /// Sets the crisis line of the person's region (shown when the plan names none).
    public func setLocalLine(_ line: LocalCrisisLine?) async {
        await attempt {
            try await store.write { try await $0.setLocalCrisisLine(line: line) }
            load()
        }
    }
}

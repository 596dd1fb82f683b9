import Foundation
import TwofoldCore

/// A Meeting Guide feed read but not imported yet: what the import would do, entry by entry.
public struct FeedPreview: Equatable, Sendable {
    public let feed: Data
    public let options: MeetingGuideImport
    public let report: ImportReport

    /// The slugs the import would add or update (the person unticks the ones they do not want).
    public var importable: [ImportEntry] {
        report.entries.filter {
            if case .skipped = $0.outcome { return false }
            return true
        }
    }
}

/// The schedule screen: meetings and appointments, live; the next occurrences in the phone's
/// zone; adding one; importing a Meeting Guide feed after a preview; exporting to Calendar.
@MainActor
public final class ScheduleModel: ViewModel {
    let store: Store
    let clock: Clock

    public private(set) var meetings: [Meeting] = [] { willSet { willChange() } }
    public private(set) var upcoming: [Occurrence] = [] { willSet { willChange() } }
    public private(set) var preview: FeedPreview? { willSet { willChange() } }
    public private(set) var lastImport: ImportReport? { willSet { willChange() } }

    public init(store: Store, clock: Clock) {
        self.store = store
        self.clock = clock
    }

    /// Subscribes; calling it again while running does nothing.
    public func start() {
        guard tasks.isEmpty else { return }
        do {
            consume(try store.documentStream(.schedule)) { [weak self] snapshot in
                guard let self, case .schedule(let schedule) = snapshot else { return }
                self.meetings = schedule.meetings
                self.refreshUpcoming()
            }
        } catch {
            failure = error as? StoreError
        }
    }

    public func newMeeting() -> MeetingDraft {
        MeetingDraft(start: clock.now().addingTimeInterval(3600))
    }

    /// Adds (or replaces) a meeting; a refused field is in `failure` (`meetings.rrule`, …).
    @discardableResult
    public func save(_ draft: MeetingDraft) async -> Bool {
        let meeting = draft.meeting(clock: clock)
        return await attempt { try await store.put(.meetings(item: meeting)) }
    }

    /// Sets when a meeting reminds (minutes before it starts); an imported meeting has none
    /// until the person picks them, and keeps them when the feed is imported again.
    @discardableResult
    public func setReminders(_ meeting: Meeting, minutesBefore: [UInt32]) async -> Bool {
        var changed = meeting
        changed.reminderOffsetsMinutes = minutesBefore
        return await attempt { try await store.put(.meetings(item: changed)) }
    }

    @discardableResult
    public func remove(_ meeting: Meeting) async -> Bool {
        await attempt { try await store.write { try await $0.removeMeeting(meetingId: meeting.id) } }
    }

    @discardableResult
    public func mark(_ occurrence: Occurrence, _ status: AttendanceStatus) async -> Bool {
        await attempt {
            try await store.write {
                try await $0.markAttendance(
                    meetingId: occurrence.meetingId, occurrence: occurrence.originalStart, status: status, note: "")
            }
        }
    }

    /// Reads a Meeting Guide feed (JSON from a URL or a file) as a dry run: nothing is written
    /// until `importPreview(choosing:)`.
    @discardableResult
    public func previewFeed(_ feed: Data, filter: MeetingGuideFilter = MeetingGuideFilter(),
                            kind: MeetingKind = .peerSupportGroup) async -> Bool {
        let options = MeetingGuideImport(
            filter: filter, choose: nil, defaultTimeZone: clock.zone, today: clock.today, kind: kind, dryRun: true)
        return await attempt {
            let report = try await store.write { try await $0.importMeetingGuide(json: feed, options: options) }
            preview = FeedPreview(feed: feed, options: options, report: report)
        }
    }

    /// Imports the previewed entries whose keys (slugs) the person kept.
    @discardableResult
    public func importPreview(choosing keys: [String]) async -> Bool {
        guard let preview else { return false }
        var options = preview.options
        options.choose = keys
        options.dryRun = false
        return await attempt {
            lastImport = try await store.write { try await $0.importMeetingGuide(json: preview.feed, options: options) }
            self.preview = nil
        }
    }

    public func cancelPreview() {
        preview = nil
    }

    /// The whole schedule as iCalendar text, for the share sheet ("Add to Calendar").
    public func calendarExport() async -> String? {
        var ics: String?
        await attempt { ics = try await store.write { try await $0.exportIcalendar(nowMs: clock.nowMs) } }
        return ics
    }

    private func refreshUpcoming() {
        do {
            let (nowMs, zone) = (clock.nowMs, clock.zone)
            upcoming = try store.read { try $0.nextOccurrences(nowMs: nowMs, count: 10, viewerZone: zone) }
        } catch {
            failure = error as? StoreError
        }
    }
}

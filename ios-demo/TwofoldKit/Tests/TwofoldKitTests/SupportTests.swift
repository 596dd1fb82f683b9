// The kit's own small pieces: phone links, phrases, meeting forms, the clock.
import Foundation
import XCTest

@testable import TwofoldKit

final class SupportTests: XCTestCase {
    func testPhoneLinks() {
        XCTAssertEqual(PhoneLinks.call("+34 600-000-001")?.absoluteString, "tel:+34600000001")
        XCTAssertNil(PhoneLinks.call("call me"))
        XCTAssertEqual(PhoneLinks.message(["024"], body: "Help & now?")?.absoluteString, "sms:024&body=Help%20%26%20now%3F")
        XCTAssertEqual(PhoneLinks.message(["1", "2"], body: "x")?.absoluteString, "sms:/open?addresses=1,2&body=x")
        XCTAssertNil(PhoneLinks.message([], body: "x"))
    }

    func testPhrasesPickTheFormByCountAndFillParameters() {
        let texts = PhraseText { ["phrase.milestone.days.one": "{count} day", "phrase.milestone.days.other": "{count} days"][$0] }
        XCTAssertEqual(texts.text(Phrase(code: "milestone.days", params: [PhraseParam(name: "count", value: "1")])), "1 day")
        XCTAssertEqual(texts.text(Phrase(code: "milestone.days", params: [PhraseParam(name: "count", value: "30")])), "30 days")
        XCTAssertEqual(texts.text(Phrase(code: "no.such", params: [])), "no.such", "an unknown code still shows")
    }

    func testAMeetingFormMakesAWeeklyMeetingInThePersonsZone() {
        let clock = Clock(timeZone: madrid) { TestTime.parse("2026-03-03T07:30:00Z") }
        XCTAssertEqual(clock.today, "2026-03-03")
        var draft = MeetingDraft(start: TestTime.parse("2026-03-03T18:00:00Z"))
        draft.name = "Group"
        draft.weekdays = [.th, .tu]
        let meeting = draft.meeting(clock: clock)
        XCTAssertEqual(meeting.start, "2026-03-03T19:00")
        XCTAssertEqual(meeting.timeZone, "Europe/Madrid")
        XCTAssertEqual(meeting.rrule, "FREQ=WEEKLY;BYDAY=TU,TH")
        draft.weekdays = []
        XCTAssertNil(draft.meeting(clock: clock).rrule)
    }

    func testAPlanItemGoesToItsFormAndBack() {
        let item = SectionItem.treatments(item: Treatment(
            id: newItemId(), name: "Day hospital", kind: .facility, preference: .avoid, reason: "too far"))
        let draft = PlanItemDraft(editing: item)
        XCTAssertEqual(draft.section, .treatments)
        XCTAssertEqual(draft.item, item)
        XCTAssertEqual(item.section, .treatments)
        XCTAssertEqual(PlanSection(.contacts), nil)
    }
}

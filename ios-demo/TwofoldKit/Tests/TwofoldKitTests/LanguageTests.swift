// Plural categories for the core's phrases in every language the app speaks.
import Foundation
import TwofoldCore
import XCTest

@testable import TwofoldKit

final class LanguageTests: XCTestCase {
    func testArabicHasSixPluralCategoriesAndTheOthersTwo() {
        let arabic = [0, 1, 2, 3, 10, 11, 99, 100, 102, 103, 111].map { PluralRule.category(of: $0, language: "ar") }
        XCTAssertEqual(arabic, ["zero", "one", "two", "few", "few", "many", "many", "other", "other", "few", "many"])
        XCTAssertEqual([0, 1, 2].map { PluralRule.category(of: $0, language: "fr") }, ["one", "one", "other"])
        XCTAssertEqual([0, 1, 2].map { PluralRule.category(of: $0, language: "pt-BR") }, ["one", "one", "other"])
        XCTAssertEqual([0, 1, 2].map { PluralRule.category(of: $0, language: "en") }, ["other", "one", "other"])
        XCTAssertEqual(PluralRule.category(of: 1, language: "es"), "one")
    }

    func testAPhraseTakesItsLanguagesPluralFormAndFallsBackToOther() {
        let table = [
            "phrase.milestone.days.one": "يوم واحد",
            "phrase.milestone.days.few": "{count} أيام",
            "phrase.milestone.days.other": "{count} يوم",
        ]
        let arabic = PhraseText(language: "ar") { table[$0] }
        func days(_ n: Int) -> String {
            arabic.text(Phrase(code: "milestone.days", params: [PhraseParam(name: "count", value: String(n))]))
        }
        XCTAssertEqual(days(1), "يوم واحد")
        XCTAssertEqual(days(3), "3 أيام", "3 takes the few form")
        XCTAssertEqual(days(11), "11 يوم", "no many form in this table: other")
    }
}

import Foundation
import TwofoldCore

/// The URLs the crisis screen's buttons open: `tel:` to call, `sms:` to message. Kept here (not
/// in the views) so the views only open what they are given, and the escaping is tested.
public enum PhoneLinks {
    /// `tel:` with the number's dialable characters only (`+34 600 000 001` → `tel:+34600000001`).
    public static func call(_ number: String) -> URL? {
        let dialable = digits(number)
        guard !dialable.isEmpty else { return nil }
        return URL(string: "tel:\(dialable)")
    }

    /// `sms:` to one or more numbers with a prefilled body. (iOS's Messages takes several
    /// recipients as `sms:/open?addresses=a,b&body=…`; one recipient as `sms:a&body=…`.)
    public static func message(_ numbers: [String], body: String) -> URL? {
        let recipients = numbers.map(digits).filter { !$0.isEmpty }
        guard !recipients.isEmpty else { return nil }
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?")
        let text = body.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        if recipients.count == 1 {
            return URL(string: "sms:\(recipients[0])&body=\(text)")
        }
        return URL(string: "sms:/open?addresses=\(recipients.joined(separator: ","))&body=\(text)")
    }

    /// The first phone of a list, for one-tap buttons.
    public static func firstNumber(_ phones: [Phone]) -> String? {
        phones.first { !digits($0.number).isEmpty }?.number
    }

    static func digits(_ number: String) -> String {
        var out = ""
        for (index, character) in number.enumerated() {
            if character.isASCII && character.isNumber {
                out.append(character)
            } else if character == "+" && index == 0 {
                out.append(character)
            } else if character == "*" || character == "#" {
                out.append(character)
            }
        }
        return out
    }
}

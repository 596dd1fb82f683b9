//! Reading single fields of a feed entry the way real feeds write them. Each reader returns the
//! value or the fixed reason it cannot be read, so that a skipped entry says truthfully why
//! (a `day` of 7 is out of range, not missing).

use chrono::NaiveTime;
use serde_json::{Map, Value};

/// A field's value as trimmed text: strings as they are, numbers written out, else empty.
pub fn text(obj: &Map<String, Value>, key: &str) -> String {
    match obj.get(key) {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

pub fn some(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// Why a field could not be read.
pub type Reason = &'static str;

const DAY_NAMES: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

/// One day value: 0 (Sunday) … 6 (Saturday), as a number, a numeric string or an English day
/// name (some hand-written feeds).
fn one_day(v: &Value) -> Result<u8, Reason> {
    const OUT_OF_RANGE: Reason = "day is out of range (0 = Sunday … 6 = Saturday)";
    const UNREADABLE: Reason = "day is not a day number (0 = Sunday … 6 = Saturday)";
    let n: f64 = match v {
        Value::Number(n) => n.as_f64().ok_or(UNREADABLE)?,
        Value::String(s) => {
            let s = s.trim().to_ascii_lowercase();
            if s.is_empty() {
                return Err("day is missing (meetings by appointment are not imported)");
            }
            if let Some(i) = DAY_NAMES
                .iter()
                .position(|name| s.len() >= 3 && name.starts_with(s.as_str()))
            {
                return u8::try_from(i).map_err(|_| UNREADABLE);
            }
            s.parse().map_err(|_| UNREADABLE)?
        }
        Value::Null => return Err("day is missing (meetings by appointment are not imported)"),
        _ => return Err(UNREADABLE),
    };
    if n.fract() != 0.0 {
        return Err(UNREADABLE);
    }
    if !(0.0..=6.0).contains(&n) {
        return Err(OUT_OF_RANGE);
    }
    // In range and whole: the cast is exact.
    Ok(n as u8)
}

/// The `day` field: one day or a list of them, sorted and without repeats. A list with some
/// unreadable values keeps the rest and says so in `dropped`.
pub fn days(obj: &Map<String, Value>, dropped: &mut Vec<String>) -> Result<Vec<u8>, Reason> {
    const MISSING: Reason = "day is missing (meetings by appointment are not imported)";
    let mut days = match obj.get("day") {
        None => return Err(MISSING),
        Some(Value::Array(list)) => {
            if list.is_empty() {
                return Err(MISSING);
            }
            let mut ok = Vec::new();
            let mut first_error = None;
            for v in list {
                match one_day(v) {
                    Ok(d) => ok.push(d),
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
            }
            match (ok.is_empty(), first_error) {
                (true, Some(e)) => return Err(e),
                (false, Some(e)) => dropped.push(format!("{e}: that value was left out")),
                _ => {}
            }
            ok
        }
        Some(v) => vec![one_day(v)?],
    };
    crate::sorting::sort(&mut days);
    days.dedup();
    Ok(days)
}

/// A time of day as feeds write it: `19:00`, `19:00:00`, `7:00 PM`, `7:00pm`, `7 p.m.`,
/// `12:00 AM` (midnight), `noon`, `1900`.
pub fn time_of_day(raw: &str) -> Result<NaiveTime, Reason> {
    const UNREADABLE: Reason = "is not a time of day (HH:MM, HH:MM:SS or 12-hour with AM/PM)";
    const OUT_OF_RANGE: Reason = "is out of range";
    let s: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect::<String>()
        .to_ascii_lowercase();
    match s.as_str() {
        "noon" => return NaiveTime::from_hms_opt(12, 0, 0).ok_or(UNREADABLE),
        "midnight" => return Ok(NaiveTime::MIN),
        _ => {}
    }
    let (clock, meridiem) = if let Some(c) = s.strip_suffix("am").or_else(|| s.strip_suffix('a')) {
        (c, Some(false))
    } else if let Some(c) = s.strip_suffix("pm").or_else(|| s.strip_suffix('p')) {
        (c, Some(true))
    } else {
        (s.as_str(), None)
    };
    let number = |p: &str| -> Result<u32, Reason> {
        if p.is_empty() || p.len() > 2 || !p.chars().all(|c| c.is_ascii_digit()) {
            return Err(UNREADABLE);
        }
        p.parse().map_err(|_| UNREADABLE)
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [h, m] => (number(h)?, number(m)?, 0),
        [h, m, sec] => (number(h)?, number(m)?, number(sec)?),
        [digits] if digits.len() >= 3 && digits.len() <= 4 => {
            let (h, m) = digits.split_at(digits.len() - 2);
            (number(h)?, number(m)?, 0)
        }
        [h] if meridiem.is_some() => (number(h)?, 0, 0),
        _ => return Err(UNREADABLE),
    };
    if m > 59 || sec > 59 {
        return Err(OUT_OF_RANGE);
    }
    let hour = match meridiem {
        None if h <= 23 => h,
        None => return Err(OUT_OF_RANGE),
        Some(_) if h == 0 || h > 12 => return Err(OUT_OF_RANGE),
        Some(pm) => h % 12 + if pm { 12 } else { 0 },
    };
    NaiveTime::from_hms_opt(hour, m, sec).ok_or(OUT_OF_RANGE)
}

/// A coordinate as a number or numeric text.
fn coordinate(obj: &Map<String, Value>, key: &str) -> Option<f64> {
    match obj.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|v: &f64| v.is_finite())
}

/// `latitude` and `longitude`, when both are there, in range, and not the (0, 0) a failed
/// geocoder writes.
pub fn coordinates(obj: &Map<String, Value>, dropped: &mut Vec<String>) -> Option<(f64, f64)> {
    let present = obj.contains_key("latitude") || obj.contains_key("longitude");
    let blank = |k: &str| matches!(obj.get(k), None | Some(Value::Null)) || text(obj, k).is_empty();
    if !present || (blank("latitude") && blank("longitude")) {
        return None;
    }
    let point = coordinate(obj, "latitude").zip(coordinate(obj, "longitude"));
    match point {
        Some((lat, lon)) if lat == 0.0 && lon == 0.0 => {
            dropped.push("latitude/longitude: 0,0 is not a place".into());
            None
        }
        Some((lat, lon)) if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) => {
            Some((lat, lon))
        }
        _ => {
            dropped.push("latitude/longitude: not a pair of coordinates in range".into());
            None
        }
    }
}

/// A list of strings, or one comma-separated string (some feeds write `"O,D,X"`).
pub fn string_list(obj: &Map<String, Value>, key: &str) -> Vec<String> {
    let items: Vec<String> = match obj.get(key) {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Some(Value::String(s)) => s.split(',').map(str::to_string).collect(),
        _ => Vec::new(),
    };
    items
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// `regions` (most general first), else `region` and `sub_region`, joined with ` > `.
pub fn region(obj: &Map<String, Value>) -> Option<String> {
    let mut parts = string_list(obj, "regions");
    if parts.is_empty() {
        parts = ["region", "sub_region"]
            .iter()
            .map(|k| text(obj, k))
            .filter(|s| !s.is_empty())
            .collect();
    }
    some(parts.join(" > "))
}

/// `formatted_address`, else its parts joined.
pub fn address(obj: &Map<String, Value>) -> String {
    let formatted = text(obj, "formatted_address");
    if !formatted.is_empty() {
        return formatted;
    }
    ["address", "city", "state", "postal_code", "country"]
        .iter()
        .map(|k| text(obj, k))
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A conference link; a bare `zoom.us/j/…` gets the `https://` it was written without.
pub fn conference_url(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let lower = raw.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return Some(raw.to_string());
    }
    let host = raw.split('/').next().unwrap_or_default();
    if host.contains('.') && !raw.contains(char::is_whitespace) && !raw.contains(':') {
        return Some(format!("https://{raw}"));
    }
    Some(raw.to_string())
}

/// A dial-in as the phone should dial it: without a `tel:` prefix and surrounding space.
pub fn conference_phone(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let raw = raw
        .strip_prefix("tel:")
        .or_else(|| raw.strip_prefix("TEL:"))
        .unwrap_or(raw)
        .trim();
    some(raw.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("valid")
    }

    #[test]
    fn times_are_read_in_the_forms_feeds_use() {
        for (raw, want) in [
            ("19:00", t(19, 0)),
            ("07:30", t(7, 30)),
            ("7:30", t(7, 30)),
            ("19:00:00", t(19, 0)),
            ("8:00 PM", t(20, 0)),
            ("8:00pm", t(20, 0)),
            ("8 p.m.", t(20, 0)),
            ("12:00 AM", t(0, 0)),
            ("12:00 PM", t(12, 0)),
            ("12:30am", t(0, 30)),
            ("noon", t(12, 0)),
            ("1900", t(19, 0)),
        ] {
            assert_eq!(time_of_day(raw), Ok(want), "{raw}");
        }
        for raw in ["", "25:00", "13:00 PM", "0:00 AM", "7", "evening", "19:60"] {
            assert!(time_of_day(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn a_day_of_seven_is_out_of_range_not_missing() {
        let read = |v: Value| {
            let obj = serde_json::json!({ "day": v });
            days(obj.as_object().expect("object"), &mut Vec::new())
        };
        assert_eq!(
            read(serde_json::json!(7)),
            Err("day is out of range (0 = Sunday … 6 = Saturday)")
        );
        assert_eq!(read(serde_json::json!("2")), Ok(vec![2]));
        assert_eq!(read(serde_json::json!([3, 1, 1])), Ok(vec![1, 3]));
        assert_eq!(read(serde_json::json!("Tuesday")), Ok(vec![2]));
        assert!(read(serde_json::json!(null))
            .expect_err("missing")
            .contains("missing"));
        assert!(read(serde_json::json!(1.5))
            .expect_err("half")
            .contains("not a day"));
    }
}

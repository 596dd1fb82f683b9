//! A large Meeting Guide feed generated from a seed, written the way published TSML feeds are
//! (the forms of time, day, zone, dial-in and place that real feeds mix), each entry carrying
//! `x_expect`: what a correct import gives. For the import-accuracy test and the finder
//! benchmark; nothing in it is copied from a real feed.

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

/// Where the generated region is: around Chicago's Loop.
pub const CENTER: (f64, f64) = (41.8781, -87.6298);
/// The zone of entries that name none.
pub const DEFAULT_ZONE: &str = "America/Chicago";

const NAMES: &[&str] = &[
    "Serenity",
    "Hope",
    "Back to Basics",
    "Came to Believe",
    "Keep It Simple",
    "New Freedom",
    "Double Trouble",
    "Dual Recovery",
    "Early Birds",
    "Night Owls",
    "Lunch Bunch",
    "Big Book",
    "Step Sisters",
    "Men's Stag",
    "Rainbow",
    "Sunrise",
    "Into Action",
    "Living Sober",
];
const TYPES: &[&str] = &[
    "O", "C", "D", "B", "SP", "ST", "BE", "W", "M", "LGBTQ", "Y", "X", "XB", "DD", "S", "EN",
    "MED", "11", "12x12", "CF", "FF", "ABSI", "POC", "SEN", "ASL", "A", "BA", "TR", "LIT",
];
const ZONES: &[&str] = &["America/Chicago", "America/New_York", "America/Denver"];

fn hhmm(h: u32, m: u32) -> String {
    format!("{h:02}:{m:02}")
}

/// The time as one of the forms feeds write, chosen by `style`.
fn written_time(h: u32, m: u32, style: u32) -> String {
    let h12 = if h % 12 == 0 { 12 } else { h % 12 };
    let pm = h >= 12;
    match style {
        0..=59 => hhmm(h, m),
        60..=74 => format!("{h:02}:{m:02}:00"),
        75..=94 => format!("{h12}:{m:02} {}", if pm { "PM" } else { "AM" }),
        _ => format!("{h12}:{m:02}{}", if pm { "pm" } else { "am" }),
    }
}

/// `n` entries (about 1 % deliberately broken the ways real feeds break), as feed JSON.
pub fn large_feed(n: usize, seed: u64) -> Vec<u8> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let name = format!("{} {}", NAMES.choose(&mut rng).expect("names"), i);
        let slug = format!("m-{i}");
        let broken = rng.random_range(0..100) == 0;
        if broken {
            out.push(match i % 3 {
                0 => json!({"name": name, "slug": slug, "day": 7, "time": "19:00",
                            "x_expect": {"skip": "out of range"}}),
                1 => json!({"name": name, "slug": slug, "day": 2,
                            "x_expect": {"skip": "time is missing"}}),
                _ => json!({"name": name, "slug": slug, "day": 3, "time": "19:00",
                            "attendance_option": "inactive",
                            "formatted_address": "1 Main St, Chicago, IL, USA",
                            "x_expect": {"skip": "inactive"}}),
            });
            continue;
        }
        let h: u32 = rng.random_range(6..23);
        let m: u32 = *[0, 0, 15, 30, 30, 45].choose(&mut rng).expect("minutes");
        let style = rng.random_range(0..100);
        let mut days: Vec<u8> = vec![rng.random_range(0..7)];
        if rng.random_range(0..10) == 0 {
            days = (1..=5).collect();
        }
        let zone = if rng.random_range(0..10) < 8 {
            None
        } else {
            Some(*ZONES.choose(&mut rng).expect("zones"))
        };
        let option = *[
            "in_person",
            "in_person",
            "in_person",
            "hybrid",
            "online",
            "online",
        ]
        .choose(&mut rng)
        .expect("options");
        let n_types = rng.random_range(1..5);
        let mut types: Vec<&str> = TYPES.choose_multiple(&mut rng, n_types).copied().collect();
        types.sort_unstable();
        let mut e = json!({
            "name": name,
            "slug": slug,
            "time": written_time(h, m, style),
            "end_time": written_time((h + 1) % 24, m, style),
            "types": types,
            "attendance_option": option,
            "updated": "2026-01-15 12:00:00",
            "group": format!("Group {}", i / 3),
        });
        let obj = e.as_object_mut().expect("object");
        obj.insert(
            "day".into(),
            if days.len() == 1 && rng.random_range(0..4) == 0 {
                json!(days[0].to_string())
            } else if days.len() == 1 {
                json!(days[0])
            } else {
                json!(days)
            },
        );
        if let Some(z) = zone {
            obj.insert("timezone".into(), json!(z));
        }
        let mut format = "in_person";
        let mut url = Value::Null;
        let mut phone = Value::Null;
        if option != "online" {
            let lat = CENTER.0 + rng.random_range(-0.45..0.45);
            let lon = CENTER.1 + rng.random_range(-0.55..0.55);
            obj.insert("latitude".into(), json!((lat * 1e5).round() / 1e5));
            obj.insert("longitude".into(), json!((lon * 1e5).round() / 1e5));
            if rng.random_range(0..2) == 0 {
                obj.insert(
                    "formatted_address".into(),
                    json!(format!("{} W Addison St, Chicago, IL 60641, USA", 100 + i)),
                );
            } else {
                obj.insert("address".into(), json!(format!("{} N Clark St", 100 + i)));
                obj.insert("city".into(), json!("Chicago"));
                obj.insert("state".into(), json!("IL"));
                obj.insert("postal_code".into(), json!("60610"));
                obj.insert("country".into(), json!("US"));
            }
            obj.insert(
                "location".into(),
                json!(format!("Church of St. {}", i % 40)),
            );
            obj.insert(
                "regions".into(),
                json!(["Chicago", format!("Ward {}", i % 50)]),
            );
        } else {
            obj.insert("formatted_address".into(), json!("Chicago, IL, USA"));
            obj.insert("approximate".into(), json!("yes"));
        }
        if option != "in_person" {
            format = if option == "hybrid" {
                "hybrid"
            } else {
                "online"
            };
            let id = 100_000_000 + i;
            let u = format!("https://zoom.us/j/{id}");
            obj.insert("conference_url".into(), json!(u));
            url = json!(u);
            if rng.random_range(0..2) == 0 {
                let p = format!("+13126266799,,{id}#,,,,,,0#,,{}#", 1000 + i % 9000);
                obj.insert("conference_phone".into(), json!(p));
                obj.insert(
                    "conference_phone_notes".into(),
                    json!("Meeting ID and passcode are in the number"),
                );
                phone = json!(p);
            }
        }
        let expect_zone = zone.unwrap_or(DEFAULT_ZONE);
        obj.insert(
            "x_expect".into(),
            json!({"time": hhmm(h, m), "days": days, "zone": expect_zone, "format": format,
                   "url": url, "phone": phone, "duration": 60}),
        );
        out.push(e);
    }
    serde_json::to_vec(&Value::Array(out)).expect("serialises")
}

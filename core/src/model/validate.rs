//! Small checks shared by every domain type. Each returns an error naming the field and a fixed
//! reason; the offending value itself is never echoed back.

use crate::error::{Error, Result};
use crate::model::ids::ItemId;

/// Short labels: names, titles.
pub const MAX_SHORT: usize = 200;
/// Free text: notes, action plans.
pub const MAX_LONG: usize = 10_000;
/// Lists inside one item (phones, codes, referenced ids).
pub const MAX_LIST: usize = 100;

pub fn required(field: &str, value: &str, max_chars: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    optional(field, value, max_chars)
}

pub fn optional(field: &str, value: &str, max_chars: usize) -> Result<()> {
    if value.chars().count() > max_chars {
        return Err(Error::invalid(
            field,
            format!("is longer than {max_chars} characters"),
        ));
    }
    if value.chars().any(|c| c == '\0') {
        return Err(Error::invalid(field, "contains a NUL character"));
    }
    Ok(())
}

pub fn scale_0_10(field: &str, value: u8) -> Result<()> {
    if value > 10 {
        return Err(Error::invalid(field, "must be between 0 and 10"));
    }
    Ok(())
}

pub fn list_len<T>(field: &str, list: &[T]) -> Result<()> {
    if list.len() > MAX_LIST {
        return Err(Error::invalid(
            field,
            format!("has more than {MAX_LIST} entries"),
        ));
    }
    Ok(())
}

pub fn ids(field: &str, list: &[ItemId]) -> Result<()> {
    list_len(field, list)?;
    for id in list {
        ItemId::parse(field, id.as_str())?;
    }
    Ok(())
}

pub fn phone(field: &str, value: &str) -> Result<()> {
    required(field, value, 40)?;
    let ok = value
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().#*/".contains(c) || c.is_ascii_alphabetic());
    if !ok || !value.chars().any(|c| c.is_ascii_digit()) {
        return Err(Error::invalid(field, "is not a phone number"));
    }
    Ok(())
}

/// A number to dial, optionally a one-tap dial string: the number, then `,` pauses and the
/// digits, `*` and `#` of a meeting id and passcode (`+16465588656,,123456789#,,,,,,0#`), as
/// the Meeting Guide spec's `conference_phone` allows. Phones dial these as they are.
pub fn dial_string(field: &str, value: &str) -> Result<()> {
    required(field, value, 100)?;
    let (number, keys) = value.split_once([',', ';']).unwrap_or((value, ""));
    phone(field, number)?;
    if !keys
        .chars()
        .all(|c| c.is_ascii_digit() || ",;#* ".contains(c))
    {
        return Err(Error::invalid(
            field,
            "is not a phone number with dial codes",
        ));
    }
    Ok(())
}

/// Latitude and longitude: both or neither, within their ranges.
pub fn coordinates(latitude: Option<f64>, longitude: Option<f64>) -> Result<()> {
    match (latitude, longitude) {
        (None, None) => Ok(()),
        (Some(lat), Some(lon)) => {
            if !(-90.0..=90.0).contains(&lat) {
                return Err(Error::invalid("latitude", "must be between -90 and 90"));
            }
            if !(-180.0..=180.0).contains(&lon) {
                return Err(Error::invalid("longitude", "must be between -180 and 180"));
            }
            Ok(())
        }
        (Some(_), None) => Err(Error::invalid("longitude", "is missing beside latitude")),
        (None, Some(_)) => Err(Error::invalid("latitude", "is missing beside longitude")),
    }
}

pub fn email(field: &str, value: &str) -> Result<()> {
    required(field, value, 254)?;
    let mut parts = value.splitn(2, '@');
    let local = parts.next().unwrap_or_default();
    let domain = parts.next().unwrap_or_default();
    if local.is_empty() || !domain.contains('.') || value.chars().any(char::is_whitespace) {
        return Err(Error::invalid(field, "is not an e-mail address"));
    }
    Ok(())
}

pub fn url(field: &str, value: &str) -> Result<()> {
    required(field, value, 2_000)?;
    let lower = value.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://"))
        || value.chars().any(char::is_whitespace)
        || value.len() < 10
    {
        return Err(Error::invalid(field, "is not an http(s) URL"));
    }
    Ok(())
}

/// Something every stored item can say about itself before it is written.
pub trait Validate {
    fn validate(&self) -> Result<()>;
}

//! The saved regions' listings, read once and kept in memory with their zones parsed, so a
//! query is a scan over plain values.

use chrono_tz::Tz;

use crate::error::Result;
use crate::formats::meeting_guide::Listing;
use crate::json_bytes;
use crate::model::time::parse_zone;

/// One listing of one saved region.
#[derive(Debug, Clone)]
pub struct Indexed {
    pub region: String,
    pub listing: Listing,
    pub tz: Tz,
}

/// Decodes the stored listings of each region. Rows were written by this code after checking,
/// but they sit in a file: a row that no longer decodes (or a zone this build does not know)
/// is left out rather than hiding the other regions.
pub fn build(rows: Vec<(String, Vec<u8>)>) -> Vec<Indexed> {
    let mut out = Vec::new();
    for (region, bytes) in rows {
        let listings: Vec<Listing> = match json_bytes::from_bytes(&bytes) {
            Some(l) => l,
            None => {
                tracing::warn!("a saved finder region did not decode and was left out");
                continue;
            }
        };
        for listing in listings {
            if let Ok(tz) = parse_zone("time_zone", &listing.time_zone) {
                out.push(Indexed {
                    region: region.clone(),
                    listing,
                    tz,
                });
            }
        }
    }
    out
}

/// Encodes listings for storage.
pub fn encode(listings: &[Listing]) -> Result<Vec<u8>> {
    serde_json::to_vec(listings).map_err(|_| crate::error::Error::Contained {
        context: "encoding finder listings",
    })
}

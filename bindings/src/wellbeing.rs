//! `TwofoldStore`'s wellbeing summary settings: which fields are shared, and the person's time
//! zone (the summary is computed on their local day). One line each over `twofold_core::Twofold`.

use crate::error::Result;
use crate::model::sharing::WellbeingFields;
use crate::store::TwofoldStore;

#[uniffi::export]
impl TwofoldStore {
    /// Which fields of the wellbeing summary are shared (all, until the owner chooses).
    pub fn wellbeing_fields(&self) -> Result<WellbeingFields> {
        self.read(|core| Ok(core.wellbeing_fields()?))
    }

    /// Chooses the shared fields. A field not chosen is never written into the summary, so it
    /// never leaves the device; the next refresh (every sync does one first) applies it.
    pub async fn set_wellbeing_fields(&self, fields: WellbeingFields) -> Result<()> {
        self.write(move |core| Ok(core.set_wellbeing_fields(fields)?))
            .await
    }

    /// The person's IANA time zone, if set on this device.
    pub fn time_zone(&self) -> Result<Option<String>> {
        self.read(|core| Ok(core.time_zone()?))
    }

    /// Sets (or with `None` clears) the person's IANA time zone, e.g. `"Europe/Madrid"`: the
    /// shared wellbeing summary counts days in it.
    pub async fn set_time_zone(&self, zone: Option<String>) -> Result<()> {
        self.write(move |core| Ok(core.set_time_zone(zone.as_deref())?))
            .await
    }
}

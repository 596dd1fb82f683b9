//! Asking for help from the crisis screen: the core prepares who (chosen from the person's
//! crisis ladder) and what (their own words, with a default); the app sends it by SMS. The
//! chosen recipients and the text are device-local settings, so a message prepared in a calm
//! moment is ready in a hard one.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::insights::i18n::{self, Lang};
use crate::insights::ladder::PersonToCall;
use crate::model::contacts::Phone;
use crate::model::ids::ItemId;
use crate::model::validate::required;

/// An SMS is cut into parts past 160 characters; a help message should be short, but the
/// person's words are never cut by the core.
pub const MAX_HELP_TEXT: usize = 1_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HelpRecipient {
    pub contact_id: ItemId,
    pub name: String,
    /// The number to text.
    pub number: String,
    pub will_do: String,
}

/// What the person saved in advance (device-local).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HelpDefaults {
    /// Their own words; `None` uses the core's default in the app's language.
    pub text: Option<String>,
    /// Who to preselect; empty preselects the first person on the ladder.
    pub recipients: Vec<ItemId>,
}

impl HelpDefaults {
    pub fn validate(&self) -> Result<()> {
        if let Some(text) = &self.text {
            required("text", text, MAX_HELP_TEXT)?;
        }
        crate::model::validate::ids("recipients", &self.recipients)
    }
}

/// The help screen before sending: everyone on the ladder who can get a text, who is selected,
/// and the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HelpDraft {
    pub candidates: Vec<HelpRecipient>,
    pub selected: Vec<ItemId>,
    pub text: String,
    /// The text is the person's own (not the core's default).
    pub own_words: bool,
}

/// Ready to send: the app hands `recipients`' numbers and `text` to the SMS composer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HelpMessage {
    pub recipients: Vec<HelpRecipient>,
    pub text: String,
}

/// The number most likely to take a text: one labelled mobile/cell/text, else the first.
pub fn sms_number(phones: &[Phone]) -> Option<&Phone> {
    const MOBILE: [&str; 5] = ["mobile", "cell", "text", "sms", "móvil"];
    phones
        .iter()
        .find(|p| {
            let label = p.label.to_lowercase();
            MOBILE.iter().any(|m| label.contains(m))
        })
        .or_else(|| phones.first())
}

pub fn candidates(ladder: &[PersonToCall]) -> Vec<HelpRecipient> {
    ladder
        .iter()
        .filter_map(|p| {
            sms_number(&p.phones).map(|phone| HelpRecipient {
                contact_id: p.contact_id.clone(),
                name: p.name.clone(),
                number: phone.number.clone(),
                will_do: p.will_do.clone(),
            })
        })
        .collect()
}

pub fn draft(ladder: &[PersonToCall], saved: &HelpDefaults, lang: Lang) -> HelpDraft {
    let candidates = candidates(ladder);
    let mut selected: Vec<ItemId> = saved
        .recipients
        .iter()
        .filter(|id| candidates.iter().any(|c| &c.contact_id == *id))
        .cloned()
        .collect();
    if selected.is_empty() {
        selected.extend(candidates.first().map(|c| c.contact_id.clone()));
    }
    let (text, own_words) = match &saved.text {
        Some(t) => (t.clone(), true),
        None => (i18n::label(lang, "help.default_text"), false),
    };
    HelpDraft {
        candidates,
        selected,
        text,
        own_words,
    }
}

/// Checks the choice against the ladder (only people on it, each once, in ladder order).
pub fn prepare(ladder: &[PersonToCall], chosen: &[ItemId], text: &str) -> Result<HelpMessage> {
    required("text", text, MAX_HELP_TEXT)?;
    if chosen.is_empty() {
        return Err(Error::invalid(
            "recipients",
            "must name at least one person",
        ));
    }
    let candidates = candidates(ladder);
    if let Some(unknown) = chosen
        .iter()
        .find(|id| !candidates.iter().any(|c| &c.contact_id == *id))
    {
        return Err(Error::invalid(
            "recipients",
            format!("{unknown} is not on the crisis ladder with a phone number"),
        ));
    }
    Ok(HelpMessage {
        recipients: candidates
            .into_iter()
            .filter(|c| chosen.contains(&c.contact_id))
            .collect(),
        text: text.to_string(),
    })
}

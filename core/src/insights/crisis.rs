//! The crisis screen: the safety plan in one call, in the plan's order — warning signs, things
//! I can do alone, people and places for distraction, people to call (with numbers and what
//! each will do), professionals and crisis lines, making the environment safe, reasons for
//! living — and the person's harm-reduction items: where their naloxone kits are and when they
//! expire, their "never use alone" lines, and who can give naloxone. An overdose is a crisis
//! too, and the screen is what the person (or whoever holds their phone) opens in one.
//!
//! It reads only the plan and the contacts, both already in memory, so it answers with no
//! network and on a store that holds nothing but a plan. Crisis lines come in three layers: the
//! person's own (contacts with the crisis line role) first; then the local line they set on the
//! device, which overrides the bundled default; else the bundled lines of the phone's region
//! (`crisis_lines`), with that region's emergency number.

use automerge::AutoCommit;
use serde::{Deserialize, Serialize};

use crate::docs::items;
use crate::docs::sections as s;
use crate::error::Result;
use crate::insights::crisis_lines::{self, EmergencyService, RegionLines};
use crate::insights::ladder::{Network, PersonToCall};
use crate::model::contacts::{ContactRole, Phone};
use crate::model::harm_reduction::{NaloxoneKit, NeverUseAloneLine};
use crate::model::ids::ItemId;
use crate::model::plan::{CopingStrategy, DistractionKind, Reason, SafetyStep, WarningSign};
use crate::model::validate::{self, optional, required, MAX_SHORT};

/// A crisis line for where the person is (988 in the US, for example), set on the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalCrisisLine {
    pub name: String,
    pub number: String,
    /// A number that takes text messages, when it differs.
    pub text_number: Option<String>,
    pub url: Option<String>,
    /// ISO 3166-1 alpha-2 region it serves, e.g. `US`, `ES`.
    pub region: String,
}

impl LocalCrisisLine {
    pub fn validate(&self) -> Result<()> {
        required("name", &self.name, MAX_SHORT)?;
        validate::phone("number", &self.number)?;
        if let Some(t) = &self.text_number {
            validate::phone("text_number", t)?;
        }
        if let Some(u) = &self.url {
            validate::url("url", u)?;
        }
        optional("region", &self.region, 8)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistractionEntry {
    pub id: ItemId,
    pub kind: DistractionKind,
    pub name: String,
    pub notes: String,
    /// The linked contact's numbers; empty for a place, or for a person who must not be
    /// involved.
    pub phones: Vec<Phone>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfessionalEntry {
    pub contact_id: ItemId,
    pub name: String,
    pub roles: Vec<ContactRole>,
    pub phones: Vec<Phone>,
    pub availability: String,
    /// What they are for in a crisis, from the plan.
    pub role_note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrisisLineEntry {
    pub name: String,
    pub phones: Vec<Phone>,
    pub url: Option<String>,
    /// The contact, for a line the person added themselves.
    pub contact_id: Option<ItemId>,
    /// The default line of the person's region: the one they set on the device, or a bundled
    /// one.
    pub is_local_default: bool,
    /// The region whose bundled directory the line comes from; `None` for a line the person
    /// added or set.
    pub bundled_region: Option<String>,
    /// What a caller needs to know (an option to choose, the area served), in English.
    pub note: Option<String>,
}

/// The emergency number of the person's region, from the bundled directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmergencyEntry {
    pub region: String,
    pub number: String,
    pub services: Vec<EmergencyService>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrisisScreen {
    pub warning_signs: Vec<WarningSign>,
    pub coping_strategies: Vec<CopingStrategy>,
    pub distractions: Vec<DistractionEntry>,
    pub people_to_call: Vec<PersonToCall>,
    pub professionals: Vec<ProfessionalEntry>,
    pub crisis_lines: Vec<CrisisLineEntry>,
    /// The region's emergency number, when a region was given (or set with the local line) and
    /// is bundled.
    pub emergency: Option<EmergencyEntry>,
    pub environment_safety: Vec<SafetyStep>,
    pub reasons: Vec<Reason>,
    /// Where each naloxone kit is kept and when it expires, in the plan's order (an expired
    /// kit is still listed: the app can say so, and in an overdose an old kit beats none).
    pub naloxone_kits: Vec<NaloxoneKit>,
    pub never_use_alone: Vec<NeverUseAloneLine>,
    /// The people the plan says can give naloxone, with their numbers; `will_do` is the
    /// person's note about them.
    pub naloxone_responders: Vec<PersonToCall>,
}

fn digits(number: &str) -> String {
    number.chars().filter(char::is_ascii_digit).collect()
}

/// Professionals from the plan, then crisis lines: the person's own (contacts with the crisis
/// line role), then the local line they set or else the region's bundled lines, each unless one
/// of theirs already has its number.
fn professionals_and_lines(
    plan: &AutoCommit,
    net: &Network,
    local: Option<&LocalCrisisLine>,
    bundled: Option<&RegionLines>,
) -> Result<(Vec<ProfessionalEntry>, Vec<CrisisLineEntry>)> {
    let mut professionals: Vec<ProfessionalEntry> = Vec::new();
    for p in items::list(plan, s::PROFESSIONALS)? {
        if professionals.iter().any(|e| e.contact_id == p.contact_id) {
            continue;
        }
        if let Some(c) = net.usable(&p.contact_id) {
            professionals.push(ProfessionalEntry {
                contact_id: c.id.clone(),
                name: c.name.clone(),
                roles: c.roles.clone(),
                phones: c.phones.clone(),
                availability: c.availability.clone(),
                role_note: p.role_note,
            });
        }
    }
    let mut lines: Vec<CrisisLineEntry> = net
        .contacts
        .iter()
        .filter(|c| c.roles.contains(&ContactRole::CrisisLine))
        .filter(|c| net.usable(&c.id).is_some())
        .filter(|c| !professionals.iter().any(|p| p.contact_id == c.id))
        .map(|c| CrisisLineEntry {
            name: c.name.clone(),
            phones: c.phones.clone(),
            url: None,
            contact_id: Some(c.id.clone()),
            is_local_default: false,
            bundled_region: None,
            note: None,
        })
        .collect();
    let defaults: Vec<CrisisLineEntry> = match (local, bundled) {
        (Some(local), _) => vec![CrisisLineEntry {
            name: local.name.clone(),
            phones: call_and_text(&local.number, local.text_number.as_deref()),
            url: local.url.clone(),
            contact_id: None,
            is_local_default: true,
            bundled_region: None,
            note: None,
        }],
        (None, Some(region)) => region
            .lines
            .iter()
            .map(|l| CrisisLineEntry {
                name: l.name.clone(),
                phones: call_and_text(&l.number, l.text_number.as_deref()),
                url: l.url.clone(),
                contact_id: None,
                is_local_default: true,
                bundled_region: Some(region.region.clone()),
                note: l.note.clone(),
            })
            .collect(),
        (None, None) => Vec::new(),
    };
    for default in defaults {
        // A number the person already has (as a professional or their own line) is not shown
        // twice.
        let wanted = digits(&default.phones[0].number);
        let listed = professionals
            .iter()
            .flat_map(|p| p.phones.iter())
            .chain(lines.iter().flat_map(|l| l.phones.iter()))
            .any(|p| digits(&p.number) == wanted);
        if !listed {
            lines.push(default);
        }
    }
    Ok((professionals, lines))
}

fn call_and_text(number: &str, text: Option<&str>) -> Vec<Phone> {
    let mut phones = vec![Phone {
        label: "call".into(),
        number: number.to_string(),
    }];
    if let Some(text) = text {
        phones.push(Phone {
            label: "text".into(),
            number: text.to_string(),
        });
    }
    phones
}

/// The crisis screen from the plan, the contacts (if any), the local line (if set) and the
/// phone's region (ISO 3166-1 alpha-2; if `None`, the local line's region).
pub fn screen(
    plan: &AutoCommit,
    contacts: Option<&AutoCommit>,
    local: Option<&LocalCrisisLine>,
    region: Option<&str>,
) -> Result<CrisisScreen> {
    let bundled = match region {
        Some(r) => crisis_lines::for_region(r)?,
        // The local line's region was typed by a person (up to 8 characters): one that is not
        // a country code simply finds nothing, and the crisis screen still opens.
        None => local.and_then(|l| crisis_lines::for_region(&l.region).ok().flatten()),
    };
    let emergency = bundled.map(|b| EmergencyEntry {
        region: b.region.clone(),
        number: b.emergency.number.clone(),
        services: b.emergency.services.clone(),
    });
    let net = Network::load(plan, contacts)?;
    let distractions = items::list(plan, s::DISTRACTIONS)?
        .into_iter()
        .map(|d| DistractionEntry {
            phones: d
                .contact_id
                .as_ref()
                .and_then(|id| net.usable(id))
                .map(|c| c.phones.clone())
                .unwrap_or_default(),
            id: d.id,
            kind: d.kind,
            name: d.name,
            notes: d.notes,
        })
        .collect();
    let (professionals, crisis_lines) = professionals_and_lines(plan, &net, local, bundled)?;
    Ok(CrisisScreen {
        warning_signs: items::list(plan, s::WARNING_SIGNS)?,
        coping_strategies: items::list(plan, s::COPING_STRATEGIES)?,
        distractions,
        people_to_call: net.ladder(plan)?,
        professionals,
        crisis_lines,
        emergency,
        environment_safety: items::list(plan, s::ENVIRONMENT_SAFETY)?,
        reasons: items::list(plan, s::REASONS)?,
        naloxone_kits: items::list(plan, s::NALOXONE_KITS)?,
        never_use_alone: items::list(plan, s::NEVER_USE_ALONE)?,
        naloxone_responders: net.naloxone_responders(plan)?,
    })
}

//! The crisis screen: the safety plan in one call, in the plan's order — warning signs, things
//! I can do alone, people and places for distraction, people to call (with numbers and what
//! each will do), professionals and crisis lines, making the environment safe, reasons for
//! living.
//!
//! It reads only the plan and the contacts, both already in memory, so it answers with no
//! network and on a store that holds nothing but a plan. The local crisis line is a device
//! setting the person (or the app, from the phone's region) chooses: no number is built in,
//! because no single number is right in every country.

use automerge::AutoCommit;
use serde::{Deserialize, Serialize};

use crate::docs::items;
use crate::docs::sections as s;
use crate::error::Result;
use crate::insights::ladder::{Network, PersonToCall};
use crate::model::contacts::{ContactRole, Phone};
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
    /// The device's configured local line.
    pub is_local_default: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrisisScreen {
    pub warning_signs: Vec<WarningSign>,
    pub coping_strategies: Vec<CopingStrategy>,
    pub distractions: Vec<DistractionEntry>,
    pub people_to_call: Vec<PersonToCall>,
    pub professionals: Vec<ProfessionalEntry>,
    pub crisis_lines: Vec<CrisisLineEntry>,
    pub environment_safety: Vec<SafetyStep>,
    pub reasons: Vec<Reason>,
}

fn digits(number: &str) -> String {
    number.chars().filter(char::is_ascii_digit).collect()
}

/// Professionals from the plan, then crisis lines: the person's own (contacts with the crisis
/// line role), then the local default unless one of theirs already has its number.
fn professionals_and_lines(
    plan: &AutoCommit,
    net: &Network,
    local: Option<&LocalCrisisLine>,
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
        })
        .collect();
    if let Some(local) = local {
        let wanted = digits(&local.number);
        let listed = professionals
            .iter()
            .flat_map(|p| p.phones.iter())
            .chain(lines.iter().flat_map(|l| l.phones.iter()))
            .any(|p| digits(&p.number) == wanted);
        if !listed {
            let mut phones = vec![Phone {
                label: "call".into(),
                number: local.number.clone(),
            }];
            if let Some(text) = &local.text_number {
                phones.push(Phone {
                    label: "text".into(),
                    number: text.clone(),
                });
            }
            lines.push(CrisisLineEntry {
                name: local.name.clone(),
                phones,
                url: local.url.clone(),
                contact_id: None,
                is_local_default: true,
            });
        }
    }
    Ok((professionals, lines))
}

/// The crisis screen from the plan, the contacts (if any) and the local line (if set).
pub fn screen(
    plan: &AutoCommit,
    contacts: Option<&AutoCommit>,
    local: Option<&LocalCrisisLine>,
) -> Result<CrisisScreen> {
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
    let (professionals, crisis_lines) = professionals_and_lines(plan, &net, local)?;
    Ok(CrisisScreen {
        warning_signs: items::list(plan, s::WARNING_SIGNS)?,
        coping_strategies: items::list(plan, s::COPING_STRATEGIES)?,
        distractions,
        people_to_call: net.ladder(plan)?,
        professionals,
        crisis_lines,
        environment_safety: items::list(plan, s::ENVIRONMENT_SAFETY)?,
        reasons: items::list(plan, s::REASONS)?,
    })
}

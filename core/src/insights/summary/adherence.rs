//! The summary's adherence part: doses taken of doses due, per medication, over 30 days.

use super::{list_or_none, Block};
use crate::error::Result;
use crate::insights::adherence::adherence;
use crate::insights::compute::Sources;
use crate::insights::i18n::{self, label, Lang, Phrase};
use crate::model::time::Day;

pub(crate) fn adherence_part(src: &Sources<'_>, lang: Lang, today: Day) -> Result<Vec<Block>> {
    let lines = adherence(src, today)?
        .into_iter()
        .map(|a| {
            i18n::render(
                lang,
                &Phrase::new("summary.adherence_line")
                    .with("name", a.name)
                    .with("dose", a.dose)
                    .with("taken", a.taken)
                    .with("due", a.due),
            )
        })
        .collect();
    Ok(vec![
        Block::Heading(label(lang, "summary.adherence")),
        list_or_none(lang, lines),
    ])
}

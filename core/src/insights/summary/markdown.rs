//! The summary as Markdown (CommonMark). Every string is escaped here: a person's "**" or
//! "<script>" is shown as typed, never interpreted.

use std::fmt::Write;

use crate::insights::summary::{Block, Table};

/// Escapes text for inline Markdown on one line.
pub fn escape(text: &str) -> String {
    let one_line = text
        .split(['\r', '\n'])
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let trimmed = one_line.trim();
    let mut out = String::with_capacity(trimmed.len() + 8);
    // Text at the start of a line could open a list ("- ", "+ ", "1. ") or a heading.
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    for (i, c) in trimmed.chars().enumerate() {
        let list_marker = (i == 0 && matches!(c, '-' | '+' | '='))
            || (i == digits && digits > 0 && matches!(c, '.' | ')'));
        if list_marker
            || matches!(
                c,
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' | '!'
            )
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn table(out: &mut String, t: &Table) {
    let _ = writeln!(out, "*{}*\n", escape(&t.caption));
    let _ = writeln!(
        out,
        "| {} |",
        t.headers
            .iter()
            .map(|h| escape(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(
        out,
        "|{}",
        t.headers
            .iter()
            .enumerate()
            .map(|(i, _)| if i == 0 { " --- |" } else { " ---: |" })
            .collect::<String>()
    );
    for row in &t.rows {
        let _ = writeln!(
            out,
            "| {} |",
            row.iter()
                .map(|c| escape(c))
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
    out.push('\n');
}

pub(crate) fn render(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        // Writing to a String cannot fail.
        let _ = match block {
            Block::Title(t) => writeln!(out, "# {}\n", escape(t)),
            Block::Heading(t) => writeln!(out, "## {}\n", escape(t)),
            Block::Subheading(t) => writeln!(out, "### {}\n", escape(t)),
            Block::Paragraph(t) => writeln!(out, "{}\n", escape(t)),
            Block::List(items) => {
                for item in items {
                    let _ = writeln!(out, "- {}", escape(item));
                }
                writeln!(out)
            }
            Block::Chart(chart) => {
                let _ = writeln!(out, "**{}**\n", escape(&chart.title));
                let _ = writeln!(out, "{}\n", escape(&chart.desc));
                table(&mut out, &chart.table);
                Ok(())
            }
        };
    }
    out.trim_end().to_string() + "\n"
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_in_user_text_is_shown_as_typed() {
        assert_eq!(escape("**bold** <b>"), "\\*\\*bold\\*\\* \\<b\\>");
        assert_eq!(escape("- not a list"), "\\- not a list");
        assert_eq!(escape("12. not a list"), "12\\. not a list");
        assert_eq!(escape("two\nlines"), "two lines");
        assert_eq!(escape("[link](x)"), "\\[link\\](x)");
    }
}

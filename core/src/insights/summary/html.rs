//! The summary as one self-contained HTML page: no scripts, no external resources, styles for
//! screen and print (one A4/Letter page for a typical plan), and every string escaped. The page
//! sets its language and direction; alignment is by start and end so right-to-left text lays
//! out as it should, while the chart keeps time running left to right.

use std::fmt::Write;

use super::chart;
use crate::insights::i18n::Lang;
use crate::insights::summary::{Block, Table};

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111;line-height:1.4;max-width:46rem;margin:1.5rem auto;padding:0 1rem}\
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.1rem 0 .3rem;border-bottom:1px solid #999}\
h3{font-size:1rem;margin:.8rem 0 .2rem}p,ul{margin:.3rem 0}li{margin:.1rem 0}\
figure{margin:.6rem 0;break-inside:avoid}svg{display:block;max-width:100%;height:auto;direction:ltr}\
table{border-collapse:collapse}th,td{border:1px solid #999;padding:.1rem .4rem;text-align:end}\
th:first-child,td:first-child{text-align:start}\
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}\
@page{margin:12mm}\
@media print{body{margin:0;max-width:none;font-size:9.5pt}h2{break-after:avoid}ul{break-inside:avoid-page}}";

fn table(out: &mut String, t: &Table, class: &str) {
    let _ = writeln!(
        out,
        r#"<table class="{class}"><caption>{}</caption>"#,
        escape(&t.caption)
    );
    out.push_str("<thead><tr>");
    for h in &t.headers {
        let _ = write!(out, r#"<th scope="col">{}</th>"#, escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let _ = if i == 0 {
                write!(out, r#"<th scope="row">{}</th>"#, escape(cell))
            } else {
                write!(out, "<td>{}</td>", escape(cell))
            };
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

pub(crate) fn render(lang: Lang, blocks: &[Block]) -> String {
    let title = blocks
        .iter()
        .find_map(|b| match b {
            Block::Title(t) => Some(t.as_str()),
            _ => None,
        })
        .unwrap_or_default();
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\" dir=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>",
        lang.tag(),
        lang.dir(),
        escape(title)
    );
    for block in blocks {
        let _ = match block {
            Block::Title(t) => writeln!(out, "<h1>{}</h1>", escape(t)),
            Block::Heading(t) => writeln!(out, "<h2>{}</h2>", escape(t)),
            Block::Subheading(t) => writeln!(out, "<h3>{}</h3>", escape(t)),
            Block::Paragraph(t) => {
                let lines: Vec<String> = t.lines().map(escape).collect();
                writeln!(out, "<p>{}</p>", lines.join("<br>"))
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", escape(item));
                }
                writeln!(out, "</ul>")
            }
            Block::Chart(c) => {
                out.push_str("<figure>\n");
                out.push_str(&chart::svg(c));
                let _ = writeln!(out, "<figcaption>{}</figcaption>", escape(&c.desc));
                // The data table is for screen readers: the chart and its caption already carry
                // the numbers for sighted readers, and thirty rows would push the page past one.
                table(&mut out, &c.table, "sr-only");
                writeln!(out, "</figure>")
            }
        };
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn every_markup_character_is_escaped() {
        assert_eq!(
            escape(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }
}

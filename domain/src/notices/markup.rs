//! A notice body's small, safe format: paragraphs (blank lines between), lists (lines that
//! start with "- " or "1. "), **bold**, and links — `[text](https://…)`, or a bare http(s)
//! address — to web, `tel:` and `mailto:` addresses only. Nothing else is markup: every other
//! character is text, escaped wherever it is rendered, so a body can never carry HTML.

/// A run of text within a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Bold(String),
    Link { text: String, href: String },
}

/// A paragraph (its lines) or a list (its items).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Vec<Inline>>),
    List {
        ordered: bool,
        items: Vec<Vec<Inline>>,
    },
}

/// The list marker a line starts with, and the rest of the line.
fn list_item(line: &str) -> Option<(bool, &str)> {
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("• ")) {
        return Some((false, rest));
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &line[digits..];
        if let Some(rest) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix("、")) {
            return Some((true, rest));
        }
    }
    None
}

/// Whether `href` is a link a notice may carry.
pub fn safe_href(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    let web = (lower.starts_with("https://") || lower.starts_with("http://")) && href.len() > 8;
    let tel = lower.strip_prefix("tel:").is_some_and(|n| {
        !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || "+- ".contains(c))
    });
    let mail = lower
        .strip_prefix("mailto:")
        .is_some_and(|a| a.contains('@'));
    // A space is allowed only in a phone number; quotes and angle brackets never.
    let bad = |c: char| (c.is_whitespace() && !tel) || c.is_control() || "\"'<>`".contains(c);
    (web || tel || mail) && !href.chars().any(bad)
}

fn push_text(out: &mut Vec<Inline>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Inline::Text(last)) = out.last_mut() {
        last.push_str(text);
    } else {
        out.push(Inline::Text(text.to_owned()));
    }
}

/// The inline runs of one line.
pub fn inline(line: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut rest = line;
    while !rest.is_empty() {
        // **bold**
        if let Some(after) = rest.strip_prefix("**")
            && let Some(end) = after.find("**")
            && end > 0
        {
            out.push(Inline::Bold(after[..end].to_owned()));
            rest = &after[end + 2..];
            continue;
        }
        // [text](href)
        if let Some(after) = rest.strip_prefix('[')
            && let Some(close) = after.find("](")
            && let Some(end) = after[close + 2..].find(')')
        {
            let text = &after[..close];
            let href = &after[close + 2..close + 2 + end];
            if !text.is_empty() && safe_href(href) {
                out.push(Inline::Link {
                    text: text.to_owned(),
                    href: href.to_owned(),
                });
                rest = &after[close + 2 + end + 1..];
                continue;
            }
        }
        // A bare web address, up to the next space or CJK punctuation.
        if rest.starts_with("https://") || rest.starts_with("http://") {
            let end = rest
                .char_indices()
                .find(|(_, c)| c.is_whitespace() || !c.is_ascii() || "\"'<>`".contains(*c))
                .map_or(rest.len(), |(i, _)| i);
            let href = &rest[..end];
            if safe_href(href) {
                out.push(Inline::Link {
                    text: href.to_owned(),
                    href: href.to_owned(),
                });
                rest = &rest[end..];
                continue;
            }
        }
        // Plain text up to the next character that could start markup.
        let next = rest
            .char_indices()
            .skip(1)
            .find(|(i, c)| *c == '*' || *c == '[' || rest[*i..].starts_with("http"))
            .map_or(rest.len(), |(i, _)| i);
        push_text(&mut out, &rest[..next]);
        rest = &rest[next..];
    }
    out
}

/// A body's blocks.
pub fn parse(body: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    let flush = |lines: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if lines.is_empty() {
            return;
        }
        let items: Option<Vec<(bool, &str)>> = lines.iter().map(|l| list_item(l)).collect();
        match items {
            Some(items) if items.iter().all(|(o, _)| *o == items[0].0) => {
                blocks.push(Block::List {
                    ordered: items[0].0,
                    items: items.iter().map(|(_, text)| inline(text)).collect(),
                })
            }
            _ => blocks.push(Block::Paragraph(lines.iter().map(|l| inline(l)).collect())),
        }
        lines.clear();
    };
    for line in body.lines().map(str::trim) {
        if line.is_empty() {
            flush(&mut lines, &mut blocks);
        } else {
            lines.push(line);
        }
    }
    flush(&mut lines, &mut blocks);
    blocks
}

/// The start of a body for a list of notices: whole lines while they fit in `max_chars`
/// (the first line cut there if it alone is longer), and whether anything was left out.
/// Cut on lines, the excerpt parses like the body; a marker cut in half is shown as text.
pub fn excerpt(body: &str, max_chars: usize) -> (String, bool) {
    let mut out = String::new();
    let mut used = 0;
    for line in body.lines() {
        let n = line.chars().count();
        if used + n > max_chars {
            if out.trim().is_empty() {
                out = line.chars().take(max_chars).collect::<String>() + "…";
            }
            return (out, true);
        }
        out.push_str(line);
        out.push('\n');
        used += n;
    }
    (out, false)
}

/// Text escaped for HTML, in element content and in quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
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

fn inline_html(runs: &[Inline], out: &mut String) {
    for run in runs {
        match run {
            Inline::Text(t) => out.push_str(&escape(t)),
            Inline::Bold(t) => {
                out.push_str("<strong>");
                out.push_str(&escape(t));
                out.push_str("</strong>");
            }
            Inline::Link { text, href } => {
                out.push_str("<a href=\"");
                out.push_str(&escape(href));
                out.push_str("\">");
                out.push_str(&escape(text));
                out.push_str("</a>");
            }
        }
    }
}

/// The blocks as HTML: only `p`, `br`, `ul`, `ol`, `li`, `strong` and `a href` are ever
/// written; all text is escaped.
pub fn to_html(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Paragraph(lines) => {
                out.push_str("<p>");
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        out.push_str("<br>");
                    }
                    inline_html(line, &mut out);
                }
                out.push_str("</p>");
            }
            Block::List { ordered, items } => {
                out.push_str(if *ordered { "<ol>" } else { "<ul>" });
                for item in items {
                    out.push_str("<li>");
                    inline_html(item, &mut out);
                    out.push_str("</li>");
                }
                out.push_str(if *ordered { "</ol>" } else { "</ul>" });
            }
        }
    }
    out
}

/// The blocks as plain text (feeds and alerts that carry no markup): links keep their
/// address after the text.
pub fn to_text(blocks: &[Block]) -> String {
    let line = |runs: &[Inline]| {
        runs.iter()
            .map(|r| match r {
                Inline::Text(t) | Inline::Bold(t) => t.clone(),
                Inline::Link { text, href } if text == href => href.clone(),
                Inline::Link { text, href } => format!("{text} ({href})"),
            })
            .collect::<String>()
    };
    blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph(lines) => lines.iter().map(|l| line(l)).collect::<Vec<_>>().join("\n"),
            Block::List { ordered, items } => items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    if *ordered {
                        format!("{}. {}", i + 1, line(item))
                    } else {
                        format!("- {}", line(item))
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_excerpt_keeps_whole_lines_and_says_when_it_left_some_out() {
        assert_eq!(
            excerpt("一\n二\n三", 10),
            ("一\n二\n三\n".to_owned(), false)
        );
        assert_eq!(
            excerpt("一二\n三四\n五六", 4),
            ("一二\n三四\n".to_owned(), true)
        );
        // One long first line is cut where the limit falls.
        assert_eq!(excerpt("一二三四五", 3), ("一二三…".to_owned(), true));
        // A bold marker cut in half is text, never a tag left open.
        let (start, cut) = excerpt("**注意事项很多很多**", 4);
        assert!(cut);
        let html = to_html(&parse(&start));
        assert!(!html.contains("<strong>"), "{html}");
    }

    #[test]
    fn paragraphs_lists_bold_and_links() {
        let body = "各位家长：\n请配合做好**晨检**。\n\n- 勤洗手\n- 戴口罩\n\n1. 体温≥37.3℃请在家观察\n2. 联系[校医室](tel:0871-1234567)\n\n详见 https://example.edu.cn/a?b=1。";
        let html = to_html(&parse(body));
        assert_eq!(
            html,
            "<p>各位家长：<br>请配合做好<strong>晨检</strong>。</p><ul><li>勤洗手</li><li>戴口罩</li></ul>\
             <ol><li>体温≥37.3℃请在家观察</li><li>联系<a href=\"tel:0871-1234567\">校医室</a></li></ol>\
             <p>详见 <a href=\"https://example.edu.cn/a?b=1\">https://example.edu.cn/a?b=1</a>。</p>"
        );
        assert!(to_text(&parse(body)).contains("联系校医室 (tel:0871-1234567)"));
    }

    #[test]
    fn html_and_unsafe_links_stay_text() {
        let html = to_html(&parse(
            "<script>alert(1)</script> [点此](javascript:alert(1)) <img src=x onerror=alert(1)> **<b>**",
        ));
        assert_eq!(
            html,
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; [点此](javascript:alert(1)) &lt;img src=x onerror=alert(1)&gt; <strong>&lt;b&gt;</strong></p>"
        );
        assert!(!safe_href("javascript:alert(1)"));
        assert!(!safe_href("https://x.cn/\"onmouseover=1"));
        assert!(safe_href("mailto:office@school.cn"));
    }

    proptest! {
        /// Whatever is typed, the HTML holds no tag but the format's, and no link but a safe one.
        #[test]
        fn nothing_typed_becomes_html(body in "(\\PC|[<>\"'&*\\[\\]()\n-]|https?://|javascript:|tel:){0,120}") {
            let html = to_html(&parse(&body));
            let mut rest = html.as_str();
            while let Some(i) = rest.find('<') {
                let tail = &rest[i..];
                let allowed = ["<p>", "</p>", "<br>", "<ul>", "</ul>", "<ol>", "</ol>", "<li>", "</li>", "<strong>", "</strong>", "</a>"]
                    .iter()
                    .find(|t| tail.starts_with(**t))
                    .map(|t| t.len())
                    .or_else(|| {
                        let href = tail.strip_prefix("<a href=\"")?;
                        let end = href.find("\">")?;
                        let url = &href[..end];
                        (url.starts_with("https://") || url.starts_with("http://") || url.starts_with("tel:") || url.starts_with("mailto:"))
                            .then_some(9 + end + 2)
                    });
                prop_assert!(allowed.is_some(), "{html}");
                rest = &tail[allowed.unwrap_or(1)..];
            }
        }
    }
}

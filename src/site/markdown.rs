//! Markdown to safe HTML.
//!
//! Criteria, narratives and descriptions are Markdown written by anyone who
//! can open a pull request. pulldown-cmark renders it; raw HTML in the source
//! is turned into plain text (shown, never live); ammonia then sanitises the
//! result as a second line of defence (no `javascript:` links, no event
//! attributes, `rel="noopener noreferrer"` on links).

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{Event, Options, Parser, html};

/// Renders Markdown to sanitised HTML.
pub fn to_html(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events);
    sanitizer().clean(&unsafe_html).to_string()
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .url_schemes(HashSet::from(["http", "https", "mailto"]))
            .link_rel(Some("noopener noreferrer nofollow"));
        builder
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown() {
        let html = to_html("**Bold** and a [link](https://example.org/)\n\n- one\n- two");
        assert!(html.contains("<strong>Bold</strong>"), "{html}");
        assert!(
            html.contains(
                "<a href=\"https://example.org/\" rel=\"noopener noreferrer nofollow\">link</a>"
            ),
            "{html}"
        );
        assert!(html.contains("<li>one</li>"), "{html}");
    }

    #[test]
    fn raw_html_is_shown_not_executed() {
        let html = to_html(
            "Hi <script>alert(1)</script> <img src=x onerror=alert(2)>\n\n<div onclick=\"x()\">block</div>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn dangerous_links_lose_their_href() {
        let html =
            to_html("[x](javascript:alert(1)) [y](data:text/html,hi) ![z](javascript:alert(3))");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("data:text"), "{html}");
    }
}

//! What `serve` adds to the HTML it serves (and only there: built sites
//! never contain it): a stylesheet and script link in `<head>`, a preview
//! banner and, after a failed build, the build's problems at the top of
//! `<body>`.
//!
//! The script opens the event stream of [`super::http`]: `reload` after a
//! good build reloads the page; `problems` after a failed one shows the
//! report over the page, which stays the last good build; `hello` on
//! (re)connection reloads a page older than the current build.

use super::{OWN, Signing};

pub(super) struct Additions<'a> {
    /// The site root relative to the page (`""` or `../…`).
    pub(super) root: &'a str,
    /// The build this page comes from.
    pub(super) generation: u64,
    pub(super) signing: Signing,
    /// The report of the last build, when it failed.
    pub(super) problems: Option<&'a str>,
}

/// The page with serve's additions.
pub(super) fn inject(html: &[u8], add: &Additions<'_>) -> Vec<u8> {
    let head = format!(
        "<link rel=\"stylesheet\" href=\"{root}{OWN}live.css\">\
         <script src=\"{root}{OWN}live.js\" data-generation=\"{generation}\" defer></script>",
        root = add.root,
        generation = add.generation
    );
    let mut body = format!(
        "<div id=\"rosette-preview\" class=\"rosette-serve\" role=\"note\">{}</div>",
        banner(add.signing)
    );
    if let Some(report) = add.problems {
        body.push_str(&problems_html(report));
    }
    let head_at = find(html, b"</head>").unwrap_or(0);
    let body_at = find(html, b"<body")
        .and_then(|at| {
            html[at..]
                .iter()
                .position(|&b| b == b'>')
                .map(|end| at + end + 1)
        })
        .filter(|&at| at >= head_at)
        .unwrap_or(head_at);
    let mut out = Vec::with_capacity(html.len() + head.len() + body.len());
    out.extend_from_slice(&html[..head_at]);
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(&html[head_at..body_at]);
    out.extend_from_slice(body.as_bytes());
    out.extend_from_slice(&html[body_at..]);
    out
}

fn banner(signing: Signing) -> &'static str {
    match signing {
        Signing::Ephemeral => {
            "<strong>Preview</strong> from <code>rosette serve</code>: nothing here is published. \
             Credentials are signed with a temporary key made for this preview and verify only on \
             this server."
        }
        Signing::SiteKey => {
            "<strong>Preview</strong> from <code>rosette serve</code>: nothing here is published. \
             Credentials name this local server as their issuer; they are not the published ones."
        }
        Signing::Unsigned => {
            "<strong>Preview</strong> from <code>rosette serve</code>: nothing here is published."
        }
    }
}

/// The problems box as the script makes it, for pages loaded while the
/// last build failed.
fn problems_html(report: &str) -> String {
    format!(
        "<div id=\"rosette-problems\" class=\"rosette-serve\" role=\"alert\"><p><strong>The last \
         edit does not build.</strong> This page is the last good build; it reloads when the \
         problems below are fixed.</p><pre>{}</pre></div>",
        escape(report)
    )
}

fn escape(text: &str) -> String {
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

/// The first ASCII-case-insensitive occurrence of `needle`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

pub(super) const LIVE_JS: &str = r#"// rosette serve: reloads the page after a good build and shows the problems
// of a failed one. Served by `rosette serve` only; never part of a built site.
(() => {
  'use strict';
  const me = document.currentScript;
  const generation = Number(me.dataset.generation);
  const events = new EventSource(new URL('events', me.src));
  events.addEventListener('hello', (e) => {
    if (Number(e.data) !== generation) location.reload();
  });
  events.addEventListener('reload', () => location.reload());
  events.addEventListener('problems', (e) => show(JSON.parse(e.data)));
  function show(report) {
    let box = document.getElementById('rosette-problems');
    if (!box) {
      box = document.createElement('div');
      box.id = 'rosette-problems';
      box.className = 'rosette-serve';
      box.setAttribute('role', 'alert');
      document.body.prepend(box);
    }
    const title = document.createElement('p');
    const strong = document.createElement('strong');
    strong.textContent = 'The last edit does not build.';
    title.append(strong, ' This page is the last good build; it reloads when the problems below are fixed.');
    const pre = document.createElement('pre');
    pre.textContent = report;
    box.replaceChildren(title, pre);
  }
})();
"#;

pub(super) const LIVE_CSS: &str = r#"/* rosette serve: the preview banner and the problems of a failed build. */
.rosette-serve { box-sizing: border-box; margin: 0; padding: 0.5rem 1rem;
  font: 0.95rem/1.4 system-ui, sans-serif; color: #1a1a1a; }
#rosette-preview { background: #fff3c4; border-bottom: 2px solid #8a6d00; }
#rosette-problems { position: fixed; inset: auto 0 0 0; z-index: 2147483647; max-height: 60vh;
  overflow: auto; background: #fff; border-top: 4px solid #b00020;
  box-shadow: 0 -2px 12px rgb(0 0 0 / 0.3); }
#rosette-problems pre { white-space: pre-wrap; font: 0.85rem/1.35 ui-monospace, monospace;
  margin: 0.5rem 0 0; }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn add(problems: Option<&str>) -> Additions<'_> {
        Additions {
            root: "../../",
            generation: 7,
            signing: Signing::Ephemeral,
            problems,
        }
    }

    #[test]
    fn the_script_goes_in_the_head_and_the_banner_opens_the_body() {
        let html = b"<!DOCTYPE html><html><head><title>t</title></HEAD><BODY class=\"x\"><p>hi</p></body></html>";
        let out = String::from_utf8(inject(html, &add(None))).unwrap();
        assert!(out.contains(
            "<title>t</title><link rel=\"stylesheet\" href=\"../../__rosette/live.css\">\
             <script src=\"../../__rosette/live.js\" data-generation=\"7\" defer></script></HEAD>"
        ));
        assert!(out.contains("<BODY class=\"x\"><div id=\"rosette-preview\""));
        assert!(out.contains("temporary key"));
        assert!(out.ends_with("<p>hi</p></body></html>"));
        assert!(!out.contains("rosette-problems"));
    }

    #[test]
    fn problems_are_escaped_and_pages_without_head_still_get_everything() {
        let out = String::from_utf8(inject(
            b"<p>bare</p>",
            &add(Some("<script>x</script> & \"")),
        ))
        .unwrap();
        assert!(out.starts_with("<link rel=\"stylesheet\""));
        assert!(out.contains("&lt;script&gt;x&lt;/script&gt; &amp; &quot;"));
        assert!(!out.contains("<script>x"));
        assert!(out.ends_with("<p>bare</p>"));
    }
}

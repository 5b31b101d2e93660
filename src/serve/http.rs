//! The HTTP side of `serve` (tiny_http: a small, blocking server; one
//! thread per request, which is plenty for one person's browser).
//!
//! - `GET /…/` serves `…/index.html`; `GET /…/x` where only `x/index.html`
//!   exists redirects to `/…/x/`, as static hosts do; anything else missing
//!   is the site's `404.html` with status 404.
//! - HTML gets the live-reload script and the preview banner ([`inject`]);
//!   no other file is changed.
//! - `/__rosette/events` is the Server-Sent Events stream the script
//!   listens to; `/__rosette/live.js` and `live.css` are the script and its
//!   style (files, not inline, so a theme's Content-Security-Policy that
//!   allows `'self'` allows them).

use std::io::Write;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::inject::{self, LIVE_CSS, LIVE_JS};
use super::{OWN, Shared, Signing};
use crate::layout;

/// What the event stream tells the pages.
#[derive(Debug, Clone)]
pub(crate) enum Message {
    /// A good build: generation number.
    Reload(u64),
    /// A failed build: its report.
    Problems(String),
}

/// How often an idle event stream sends a comment, so that closed tabs
/// are noticed and their threads end.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

pub(super) fn serve(server: &tiny_http::Server, shared: &Arc<Shared>) {
    for request in server.incoming_requests() {
        let shared = shared.clone();
        std::thread::spawn(move || handle(request, &shared));
    }
}

fn handle(request: Request, shared: &Shared) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(Response::empty(405));
        return;
    }
    let url = request.url().to_string();
    let raw = url.split(['?', '#']).next().unwrap_or_default();
    let raw = raw.trim_start_matches('/');
    let Some(path) = decode(raw) else {
        let _ = request.respond(Response::empty(400));
        return;
    };
    match path.strip_prefix(OWN) {
        Some("events") => return events(request, shared),
        Some("live.js") => {
            let _ = request.respond(bytes(LIVE_JS.as_bytes(), "text/javascript; charset=utf-8"));
            return;
        }
        Some("live.css") => {
            let _ = request.respond(bytes(LIVE_CSS.as_bytes(), "text/css; charset=utf-8"));
            return;
        }
        _ => {}
    }
    let site = shared.site.read().map(|s| s.clone()).ok();
    let Some(site) = site else {
        let _ = request.respond(Response::empty(500));
        return;
    };
    let file = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    if let Some(found) = site.files.get(file.as_str()) {
        let _ = request.respond(page(shared, &file, &path, found));
        return;
    }
    if site
        .files
        .contains_key(layout::index_of(&format!("{path}/")).as_str())
    {
        // The path as the browser sent it (still percent-encoded).
        let location = format!("/{raw}/");
        let response = with_header(Response::empty(301), "Location", &location);
        let _ = request.respond(response);
        return;
    }
    let response = match site.files.get(layout::NOT_FOUND) {
        Some(missing) => page(shared, layout::NOT_FOUND, &path, missing),
        None => bytes(b"Not found\n", "text/plain; charset=utf-8"),
    };
    let _ = request.respond(response.with_status_code(StatusCode(404)));
}

/// A file of the site; HTML with serve's additions.
fn page(
    shared: &Shared,
    file: &str,
    requested: &str,
    found: &[u8],
) -> Response<std::io::Cursor<Vec<u8>>> {
    let kind = content_type(file);
    if !kind.starts_with("text/html") {
        return bytes(found, kind);
    }
    let generation = shared.generation.load(std::sync::atomic::Ordering::SeqCst);
    let problems = shared.problems.read().ok().and_then(|p| p.clone());
    // Relative to the page as the browser sees it (a 404 page can be
    // served at any depth).
    let root = layout::root_of(requested);
    let html = inject::inject(
        found,
        &inject::Additions {
            root: &root,
            generation,
            signing: shared.signing.read().map_or(Signing::Unsigned, |s| *s),
            problems: problems.as_deref(),
        },
    );
    bytes(&html, kind)
}

fn bytes(bytes: &[u8], kind: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let response = with_header(Response::from_data(bytes.to_vec()), "Content-Type", kind);
    with_header(response, "Cache-Control", "no-store")
}

/// Adds a header; one tiny_http refuses (not ASCII) is left out.
fn with_header<R: std::io::Read>(response: Response<R>, name: &str, value: &str) -> Response<R> {
    match Header::from_bytes(name.as_bytes(), value.as_bytes()) {
        Ok(header) => response.with_header(header),
        Err(()) => response,
    }
}

/// The Server-Sent Events stream: `hello` with the current generation (a
/// page older than it reloads at once), the current problems if the last
/// build failed, then one event per build.
fn events(request: Request, shared: &Shared) {
    let (sender, receiver) = mpsc::channel();
    if let Ok(mut listeners) = shared.listeners.lock() {
        listeners.push(sender);
    }
    let generation = shared.generation.load(std::sync::atomic::Ordering::SeqCst);
    let problems = shared.problems.read().ok().and_then(|p| p.clone());
    let mut out = request.into_writer();
    let mut head = String::from(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
         Connection: close\r\n\r\nretry: 500\n\n",
    );
    head.push_str(&event("hello", &generation.to_string()));
    if let Some(problems) = problems {
        head.push_str(&problems_event(&problems));
    }
    if out
        .write_all(head.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return;
    }
    loop {
        let text = match receiver.recv_timeout(KEEP_ALIVE) {
            Ok(Message::Reload(generation)) => event("reload", &generation.to_string()),
            Ok(Message::Problems(report)) => problems_event(&report),
            Err(mpsc::RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if out
            .write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
    }
}

fn event(name: &str, data: &str) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

/// The report as one JSON string (an event's data is one line).
fn problems_event(report: &str) -> String {
    event(
        "problems",
        &serde_json::to_string(report).unwrap_or_default(),
    )
}

/// `%XX` decoding of a URL path; `None` when it is not UTF-8 afterwards.
fn decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h)? * 16 + hex(l)?) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The media type of a site's file, by extension: what a static host sends
/// (the README's deploy section lists the same for object stores).
pub(super) fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "jsonld" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_decoded_and_typed_like_a_static_host() {
        assert_eq!(
            decode("static/a%20b.png").as_deref(),
            Some("static/a b.png")
        );
        assert_eq!(decode("%E2%9C%93").as_deref(), Some("✓"));
        assert_eq!(decode("100%").as_deref(), Some("100%"));
        assert_eq!(decode("%FF"), None);
        assert_eq!(content_type("did.json"), "application/json");
        assert_eq!(content_type(".well-known/did.json"), "application/json");
        assert_eq!(
            content_type("awards/a/index.html"),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type(".nojekyll"), "application/octet-stream");
    }
}

//! Problems found in a badge repository, reported the way cargo and rustc do:
//! the file (relative to the repository root), line and column, the source line
//! with a caret under the culprit, and what was expected.
//!
//! Every stage collects its problems into a [`Diagnostics`] list instead of
//! stopping at the first one, so a single `rosette check` shows everything.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

/// One problem: an error, attached to a place in a file when we know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Short statement of the problem, e.g. "unknown badge `rust-mentr`".
    pub message: String,
    /// File path relative to the repository root, with `/` separators.
    pub file: Option<String>,
    /// Byte range in that file.
    pub span: Option<Range<usize>>,
    /// What is wrong at the span (shown under the caret).
    pub label: Option<String>,
    /// A hint on how to fix it.
    pub help: Option<String>,
    /// Another place that matters (for example the first of two duplicate ids).
    pub related: Option<(String, Range<usize>, String)>,
}

impl Diagnostic {
    /// A problem with no location.
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            file: None,
            span: None,
            label: None,
            help: None,
            related: None,
        }
    }

    /// A problem with a whole file.
    pub fn in_file(file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            file: Some(file.to_string()),
            ..Diagnostic::new(message)
        }
    }

    /// A problem at a byte range of a file.
    pub fn at(file: &str, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            span: Some(span),
            ..Diagnostic::in_file(file, message)
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn related(mut self, file: &str, span: Range<usize>, label: impl Into<String>) -> Self {
        self.related = Some((file.to_string(), span, label.into()));
        self
    }

    /// Renders the diagnostic as plain text (no colour, so output is stable in
    /// tests and logs), quoting the source from `sources`.
    pub fn render(&self, sources: &Sources) -> String {
        let mut group = Group::with_title(Level::ERROR.primary_title(self.message.as_str()));
        match (&self.file, &self.span) {
            (Some(file), Some(span)) if sources.get(file).is_some() => {
                let text = sources.get(file).unwrap_or_default();
                let mut annotation = AnnotationKind::Primary.span(clamp(span, text));
                if let Some(label) = &self.label {
                    annotation = annotation.label(label.as_str());
                }
                let mut snippet = Snippet::source(text)
                    .path(file.as_str())
                    .annotation(annotation);
                if let Some((rel_file, rel_span, rel_label)) = &self.related
                    && rel_file == file
                {
                    snippet = snippet.annotation(
                        AnnotationKind::Context
                            .span(clamp(rel_span, text))
                            .label(rel_label.as_str()),
                    );
                }
                group = group.element(snippet);
                if let Some((rel_file, rel_span, rel_label)) = &self.related
                    && rel_file != file
                    && let Some(rel_text) = sources.get(rel_file)
                {
                    group = group.element(
                        Snippet::source(rel_text)
                            .path(rel_file.as_str())
                            .annotation(
                                AnnotationKind::Context
                                    .span(clamp(rel_span, rel_text))
                                    .label(rel_label.as_str()),
                            ),
                    );
                }
            }
            (Some(file), _) => {
                group = group.element(Origin::path(file.as_str()));
                if let Some(label) = &self.label {
                    group = group.element(Level::NOTE.message(label.as_str()));
                }
            }
            (None, _) => {
                if let Some(label) = &self.label {
                    group = group.element(Level::NOTE.message(label.as_str()));
                }
            }
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        Renderer::plain().render(&[group])
    }
}

fn clamp(span: &Range<usize>, text: &str) -> Range<usize> {
    let mut start = span.start.min(text.len());
    let mut end = span.end.min(text.len()).max(start);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) => write!(f, "{}: {}", file, self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The text of every file a diagnostic may quote, by repository-relative path.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: BTreeMap<String, String>,
}

impl Sources {
    pub fn insert(&mut self, path: &str, text: String) {
        self.files.insert(path.to_string(), text);
    }

    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }
}

/// An ordered collection of problems.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.list.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.list.extend(other.list);
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter()
    }

    /// Sorts by file, then position, so reports are stable whatever order the
    /// checks ran in.
    pub fn sort(&mut self) {
        self.list.sort_by(|a, b| {
            (&a.file, a.span.as_ref().map(|s| s.start), &a.message).cmp(&(
                &b.file,
                b.span.as_ref().map(|s| s.start),
                &b.message,
            ))
        });
        self.list.dedup();
    }

    /// Renders every diagnostic followed by a one-line summary.
    pub fn render(&self, sources: &Sources) -> String {
        let mut out = String::new();
        for diagnostic in &self.list {
            out.push_str(&diagnostic.render(sources));
            out.push_str("\n\n");
        }
        let n = self.list.len();
        out.push_str(&format!(
            "error: found {n} problem{}\n",
            if n == 1 { "" } else { "s" }
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_file_line_column_and_caret() {
        let mut sources = Sources::default();
        sources.insert("badges/a.toml", "[badge]\nnmae = \"x\"\n".to_string());
        let d = Diagnostic::at("badges/a.toml", 8..12, "unknown field `nmae`")
            .label("not a badge field")
            .help("expected one of `name`, `description`");
        let text = d.render(&sources);
        assert!(text.contains("error: unknown field `nmae`"), "{text}");
        assert!(text.contains("--> badges/a.toml:2:1"), "{text}");
        assert!(text.contains("nmae = \"x\""), "{text}");
        assert!(text.contains("^^^^ not a badge field"), "{text}");
        assert!(text.contains("help: expected one of"), "{text}");
    }

    #[test]
    fn out_of_range_spans_do_not_panic() {
        let mut sources = Sources::default();
        sources.insert("f.toml", "é".to_string());
        let d = Diagnostic::at("f.toml", 1..99, "bad");
        assert!(d.render(&sources).contains("f.toml"));
    }

    #[test]
    fn sorting_is_by_file_then_position() {
        let mut list = Diagnostics::default();
        list.push(Diagnostic::at("b.toml", 5..6, "later"));
        list.push(Diagnostic::at("a.toml", 9..10, "second"));
        list.push(Diagnostic::at("a.toml", 1..2, "first"));
        list.sort();
        let order: Vec<_> = list.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(order, ["first", "second", "later"]);
    }
}

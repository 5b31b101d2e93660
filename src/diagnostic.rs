//! Problems found in a badge repository, reported the way cargo and rustc do:
//! the file (relative to the repository root), line and column, the source line
//! with a caret under the culprit, and what was expected.
//!
//! Every stage collects its problems into a [`Diagnostics`] list instead of
//! stopping at the first one, so a single `rosette check` shows everything.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

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
    /// tests and logs), quoting the source from `sources`. Only the lines
    /// around the spans are handed to the renderer, so the cost of one
    /// report does not grow with the size of the file.
    pub fn render(&self, sources: &Sources) -> String {
        let mut group = Group::with_title(Level::ERROR.primary_title(self.message.as_str()));
        match (&self.file, &self.span) {
            (Some(file), Some(span)) if sources.get(file).is_some() => {
                let source = sources.file(file);
                let same_file_related = self
                    .related
                    .as_ref()
                    .filter(|(rel_file, _, _)| rel_file == file);
                let mut spans = vec![span.clone()];
                spans.extend(same_file_related.map(|(_, s, _)| s.clone()));
                let window = source.window(&spans);
                let mut annotation = AnnotationKind::Primary.span(window.local(span));
                if let Some(label) = &self.label {
                    annotation = annotation.label(label.as_str());
                }
                let mut snippet = Snippet::source(window.text)
                    .line_start(window.first_line)
                    .path(file.as_str())
                    .annotation(annotation);
                if let Some((_, rel_span, rel_label)) = same_file_related {
                    snippet = snippet.annotation(
                        AnnotationKind::Context
                            .span(window.local(rel_span))
                            .label(rel_label.as_str()),
                    );
                }
                group = group.element(snippet);
                if let Some((rel_file, rel_span, rel_label)) = &self.related
                    && rel_file != file
                    && sources.get(rel_file).is_some()
                {
                    let window = sources
                        .file(rel_file)
                        .window(std::slice::from_ref(rel_span));
                    group = group.element(
                        Snippet::source(window.text)
                            .line_start(window.first_line)
                            .path(rel_file.as_str())
                            .annotation(
                                AnnotationKind::Context
                                    .span(window.local(rel_span))
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

impl Diagnostic {
    /// Renders the diagnostic as a warning: something a person should know
    /// that does not stop the build. Two lines (the place, then the note),
    /// without a source snippet, so a long list stays readable.
    pub fn render_warning(&self, sources: &Sources) -> String {
        let mut out = format!("warning: {}\n", self.message);
        if let Some(file) = &self.file {
            let place = self
                .span
                .as_ref()
                .and_then(|span| sources.line_col(file, span.start))
                .map_or_else(
                    || file.clone(),
                    |(line, col)| format!("{file}:{line}:{col}"),
                );
            out.push_str(&format!("  --> {place}\n"));
        }
        if let Some(label) = &self.label {
            out.push_str(&format!("  = note: {label}\n"));
        }
        out
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
    files: BTreeMap<String, Source>,
}

#[derive(Debug, Clone)]
struct Source {
    text: String,
    /// Byte offset of the start of every line, computed on first use.
    line_starts: OnceLock<Vec<usize>>,
}

/// The lines of a source around some spans.
struct Window<'t> {
    text: &'t str,
    /// Byte offset of `text` in the file.
    offset: usize,
    /// 1-based number of the first line of `text`.
    first_line: usize,
}

impl Window<'_> {
    /// `span` (of the whole file) relative to the window, clamped into it.
    fn local(&self, span: &Range<usize>) -> Range<usize> {
        let shift = |at: usize| at.saturating_sub(self.offset).min(self.text.len());
        clamp(&(shift(span.start)..shift(span.end)), self.text)
    }
}

/// Spans longer than this many lines are shown by their first line only.
const MAX_SPAN_LINES: usize = 8;

impl Source {
    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// 0-based index of the line holding byte `at`.
    fn line_of(&self, at: usize) -> usize {
        let starts = self.line_starts();
        starts
            .partition_point(|&start| start <= at)
            .saturating_sub(1)
    }

    /// The whole lines that hold `spans` (a long span counts by its first line).
    fn window(&self, spans: &[Range<usize>]) -> Window<'_> {
        let text = self.text.as_str();
        let starts = self.line_starts();
        let mut first = usize::MAX;
        let mut last = 0;
        for span in spans {
            let span = clamp(span, text);
            let start_line = self.line_of(span.start);
            let mut end_line = self.line_of(span.end.saturating_sub(1).max(span.start));
            if end_line - start_line >= MAX_SPAN_LINES {
                end_line = start_line;
            }
            first = first.min(start_line);
            last = last.max(end_line);
        }
        if first == usize::MAX {
            first = 0;
        }
        let offset = starts.get(first).copied().unwrap_or(0);
        let end = starts.get(last + 1).copied().unwrap_or(text.len());
        let end = end.max(offset);
        Window {
            text: &text[offset..end],
            offset,
            first_line: first + 1,
        }
    }
}

impl Sources {
    pub fn insert(&mut self, path: &str, text: String) {
        self.files.insert(
            path.to_string(),
            Source {
                text,
                line_starts: OnceLock::new(),
            },
        );
    }

    /// Adds the files of `other` (a file of both keeps `other`'s text).
    pub fn extend(&mut self, other: Sources) {
        self.files.extend(other.files);
    }

    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(|s| s.text.as_str())
    }

    /// 1-based line and column (in characters) of byte `at` of `path`.
    pub fn line_col(&self, path: &str, at: usize) -> Option<(usize, usize)> {
        let source = self.files.get(path)?;
        let line = source.line_of(at.min(source.text.len()));
        let start = source.line_starts()[line];
        let column = source.text.get(start..at)?.chars().count() + 1;
        Some((line + 1, column))
    }

    fn file(&self, path: &str) -> &Source {
        static EMPTY: Source = Source {
            text: String::new(),
            line_starts: OnceLock::new(),
        };
        self.files.get(path).unwrap_or(&EMPTY)
    }
}

/// How many problems a report shows: a person needs the first few dozen,
/// and the count of the rest.
pub const MAX_SHOWN: usize = 50;

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

    /// Renders the first [`MAX_SHOWN`] diagnostics followed by a one-line
    /// summary with the count of all of them.
    pub fn render(&self, sources: &Sources) -> String {
        let mut out = String::new();
        for diagnostic in self.list.iter().take(MAX_SHOWN) {
            out.push_str(&diagnostic.render(sources));
            out.push_str("\n\n");
        }
        let n = self.list.len();
        if n > MAX_SHOWN {
            out.push_str(&format!(
                "note: {} more problems are not shown; fix these first\n",
                n - MAX_SHOWN
            ));
        }
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
    fn warnings_name_the_place_in_two_lines() {
        let mut sources = Sources::default();
        sources.insert("badges/a.toml", "[badge]\nname = \"x\"\n".to_string());
        let w = Diagnostic::at("badges/a.toml", 15..18, "not translated").label("shown in English");
        assert_eq!(
            w.render_warning(&sources),
            "warning: not translated\n  --> badges/a.toml:2:8\n  = note: shown in English\n"
        );
    }

    #[test]
    fn out_of_range_spans_do_not_panic() {
        let mut sources = Sources::default();
        sources.insert("f.toml", "é".to_string());
        let d = Diagnostic::at("f.toml", 1..99, "bad");
        assert!(d.render(&sources).contains("f.toml"));
    }

    #[test]
    fn reports_quote_only_the_lines_around_the_span() {
        let mut text = String::new();
        for i in 0..10_000 {
            text.push_str(&format!("line{i} = {i}\n"));
        }
        let at = text.find("line9000 ").unwrap();
        let mut sources = Sources::default();
        sources.insert("big.toml", text);
        let d = Diagnostic::at("big.toml", at..at + 8, "here").label("this one");
        let report = d.render(&sources);
        assert!(report.contains("--> big.toml:9001:1"), "{report}");
        assert!(report.contains("9001 | line9000 = 9000"), "{report}");
        assert!(!report.contains("line8999"), "{report}");
        assert_eq!(sources.line_col("big.toml", at + 4), Some((9001, 5)));
    }

    #[test]
    fn long_reports_show_the_first_problems_and_count_the_rest() {
        let mut list = Diagnostics::default();
        for i in 0..(MAX_SHOWN + 7) {
            list.push(Diagnostic::in_file("a.toml", format!("problem {i:03}")));
        }
        let report = list.render(&Sources::default());
        assert!(
            report.contains("problem 000") && !report.contains(&format!("problem {MAX_SHOWN:03}"))
        );
        assert!(
            report.contains("note: 7 more problems are not shown"),
            "{report}"
        );
        assert!(report.ends_with(&format!("error: found {} problems\n", MAX_SHOWN + 7)));
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

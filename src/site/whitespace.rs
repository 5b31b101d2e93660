//! Needless bytes in pages: the indentation of HTML templates.
//!
//! Templates are indented for people; browsers collapse a newline and the
//! spaces after it to one space, so the indentation changes nothing a
//! reader sees, but it was 7–8 % of every award page, and award pages are
//! most of a site's bytes. Before compiling an `.html` template, the
//! spaces and tabs at the start of each of its lines are removed (the
//! newline stays), except where whitespace means something or is not
//! HTML text:
//!
//! - inside `<pre>`, `<textarea>`, `<script>` and `<style>` elements;
//! - on lines that start inside a Tera tag, expression or comment.
//!
//! Values that templates insert are never touched (this works on the
//! template, not on the page), and positions in template errors are mapped
//! back to the file as written ([`Compact::original`]).

/// A template without its indentation, and how to map positions back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compact {
    pub text: String,
    /// (offset in `text` of a line start, bytes removed before it and at
    /// it), for each line that lost bytes.
    shifts: Vec<(usize, usize)>,
}

impl Compact {
    /// The offset in the original template of `offset` in [`Compact::text`].
    pub fn original(&self, offset: usize) -> usize {
        let at = self.shifts.partition_point(|(start, _)| *start <= offset);
        match at.checked_sub(1) {
            Some(i) => offset + self.shifts[i].1,
            None => offset,
        }
    }
}

/// Elements whose text keeps its whitespace (or is not HTML text).
const VERBATIM: [&str; 4] = ["pre", "textarea", "script", "style"];

/// Removes the indentation of `template`'s lines, as the module says.
pub fn compact(template: &str) -> Compact {
    let mut text = String::with_capacity(template.len());
    let mut shifts = Vec::new();
    let mut removed = 0;
    let mut state = State::Html;
    for line in template.split_inclusive('\n') {
        let kept = if state == State::Html {
            let trimmed = line.trim_start_matches([' ', '\t']);
            let cut = line.len() - trimmed.len();
            if cut > 0 {
                removed += cut;
                shifts.push((text.len(), removed));
            }
            trimmed
        } else {
            line
        };
        state = scan(kept, state);
        text.push_str(kept);
    }
    Compact { text, shifts }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Html,
    /// Inside a Tera tag, expression or comment: its closing delimiter.
    Tera(&'static str, Outer),
    /// Inside a verbatim element: its name.
    Verbatim(&'static str),
}

/// Where a Tera tag returns to when it closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outer {
    Html,
    Verbatim(&'static str),
}

/// The state after `line`, starting in `state`.
fn scan(line: &str, mut state: State) -> State {
    let mut rest = line;
    while !rest.is_empty() {
        match state {
            State::Tera(close, outer) => match rest.find(close) {
                Some(at) => {
                    rest = &rest[at + close.len()..];
                    state = match outer {
                        Outer::Html => State::Html,
                        Outer::Verbatim(name) => State::Verbatim(name),
                    };
                }
                None => return state,
            },
            State::Html | State::Verbatim(_) => {
                let tera = ["{{", "{%", "{#"]
                    .iter()
                    .filter_map(|open| rest.find(open).map(|at| (at, *open)))
                    .min();
                let element = match state {
                    State::Verbatim(name) => find_tag(rest, name, true).map(|at| (at, name)),
                    _ => VERBATIM
                        .iter()
                        .filter_map(|name| find_tag(rest, name, false).map(|at| (at, *name)))
                        .min(),
                };
                match (tera, element) {
                    (Some((t, open)), e) if e.is_none_or(|(at, _)| t < at) => {
                        let close = match open {
                            "{{" => "}}",
                            "{%" => "%}",
                            _ => "#}",
                        };
                        let outer = match state {
                            State::Verbatim(name) => Outer::Verbatim(name),
                            _ => Outer::Html,
                        };
                        rest = &rest[t + 2..];
                        state = State::Tera(close, outer);
                    }
                    (_, Some((at, name))) => {
                        rest = &rest[at + 1..];
                        state = match state {
                            State::Verbatim(_) => State::Html,
                            _ => State::Verbatim(name),
                        };
                    }
                    _ => return state,
                }
            }
        }
    }
    state
}

/// Where `<name` (or `</name` when `closing`) starts in `text`, as a whole
/// tag name (followed by `>`, `/` or whitespace), ignoring ASCII case.
fn find_tag(text: &str, name: &str, closing: bool) -> Option<usize> {
    let open = if closing { "</" } else { "<" };
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find(open) {
        let at = from + i;
        let start = at + open.len();
        let end = start + name.len();
        let matches = bytes
            .get(start..end)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()));
        let boundary = bytes
            .get(end)
            .is_none_or(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/');
        if matches && boundary {
            return Some(at);
        }
        from = start;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indentation_goes_and_everything_else_stays() {
        let template = "<ul>\n  <li>{{ a }}</li>\n\t<li>b</li>\n</ul>\n";
        assert_eq!(
            compact(template).text,
            "<ul>\n<li>{{ a }}</li>\n<li>b</li>\n</ul>\n"
        );
    }

    #[test]
    fn verbatim_elements_and_multi_line_tags_keep_their_lines() {
        let template = "<div>\n  <PRE class=\"x\">\n  keep\n    this\n  </pre>\n  <p>x</p>\n\
                        {% if a\n     and b %}\n  <script>\n  let x = `\n    y`;\n  </script>\n\
                        {# a comment\n   over lines #}\n  <preview>\n</div>\n";
        let text = compact(template).text;
        assert_eq!(
            text,
            "<div>\n<PRE class=\"x\">\n  keep\n    this\n  </pre>\n<p>x</p>\n\
             {% if a\n     and b %}\n<script>\n  let x = `\n    y`;\n  </script>\n\
             {# a comment\n   over lines #}\n<preview>\n</div>\n"
        );
    }

    #[test]
    fn a_tera_tag_inside_pre_does_not_end_it() {
        let template = "<pre>\n  {{ a }}\n  b\n</pre>\n  c\n";
        assert_eq!(compact(template).text, "<pre>\n  {{ a }}\n  b\n</pre>\nc\n");
    }

    #[test]
    fn positions_map_back_to_the_file_as_written() {
        let template = "<a>\n    {{ bad }}\n  <b>{{ worse }}</b>\n";
        let compact = compact(template);
        for needle in ["{{ bad }}", "{{ worse }}", "<a>", "</b>"] {
            let new = compact.text.find(needle).unwrap();
            assert_eq!(
                compact.original(new),
                template.find(needle).unwrap(),
                "{needle}"
            );
        }
        assert_eq!(compact.original(compact.text.len()), template.len());
    }
}

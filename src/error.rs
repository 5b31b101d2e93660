//! The library's error type. The CLI turns it into a report and an exit code
//! (design.md §3): the same kind of failure has the same code whatever stage
//! it happens in.
//!
//! | variant | exit code | meaning |
//! | --- | --- | --- |
//! | [`Error::Problems`] | 1 | the repository's content (TOML, templates, texts that cannot be signed) |
//! | [`Error::Verification`] | 1 | credentials that did not verify (already reported) |
//! | [`Error::Io`] | 2 | reading or writing a file failed (a full disk, a missing folder) |
//! | [`Error::Usage`] | 2 | the command line asked for something impossible |

use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Diagnostics, Sources};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the repository's content, all of them, with the sources
    /// needed to quote them.
    #[error("found {} problem(s)", diagnostics.len())]
    Problems {
        diagnostics: Diagnostics,
        sources: Sources,
    },
    /// Reading or writing a file failed.
    #[error("{}: {error}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        error: std::io::Error,
    },
    /// The command line asked for something impossible.
    #[error("{0}")]
    Usage(String),
    /// This many credentials did not verify (already reported).
    #[error("{0} credential(s) did not verify")]
    Verification(usize),
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Problems { .. } | Error::Verification(_) => 1,
            Error::Io { .. } | Error::Usage(_) => 2,
        }
    }

    /// The full human-readable report.
    pub fn report(&self) -> String {
        match self {
            Error::Problems {
                diagnostics,
                sources,
            } => diagnostics.render(sources),
            other => format!("error: {other}\n"),
        }
    }

    /// Content problems, sorted and de-duplicated.
    pub fn problems(mut diagnostics: Diagnostics, sources: &Sources) -> Error {
        diagnostics.sort();
        Error::Problems {
            diagnostics,
            sources: sources.clone(),
        }
    }

    /// One content problem.
    pub fn problem(diagnostic: Diagnostic, sources: &Sources) -> Error {
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(diagnostic);
        Error::problems(diagnostics, sources)
    }

    /// An I/O failure at `path`.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |error| Error::Io { path, error }
    }
}

//! The library's error type. The CLI turns it into a report and an exit code
//! (design.md §3: 1 for content problems, 2 for usage or I/O errors).

use std::fmt;
use std::path::PathBuf;

use crate::diagnostic::{Diagnostics, Sources};
use crate::render::RenderError;

#[derive(Debug)]
pub enum Error {
    /// Problems in the repository's content, all of them, with the sources
    /// needed to quote them.
    Problems {
        diagnostics: Diagnostics,
        sources: Sources,
    },
    /// A template of the theme failed.
    Render(RenderError),
    /// Reading or writing a file failed.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The command line asked for something impossible.
    Usage(String),
    /// `verify` found this many credentials that are not valid (already reported).
    Verification(usize),
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Problems { .. }
            | Error::Render(RenderError::Template { .. })
            | Error::Verification(_) => 1,
            Error::Render(RenderError::Io(_)) | Error::Io { .. } | Error::Usage(_) => 2,
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
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Problems { diagnostics, .. } => {
                write!(f, "found {} problem(s)", diagnostics.len())
            }
            Error::Render(error) => error.fmt(f),
            Error::Io { path, error } => write!(f, "{}: {error}", path.display()),
            Error::Usage(message) => f.write_str(message),
            Error::Verification(n) => write!(f, "{n} credential(s) did not verify"),
        }
    }
}

impl std::error::Error for Error {}

impl From<RenderError> for Error {
    fn from(error: RenderError) -> Self {
        Error::Render(error)
    }
}

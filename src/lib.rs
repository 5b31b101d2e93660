//! Rosette turns a git repository of TOML badge definitions and awards into a
//! static website of verifiable Open Badges.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`load`]: read `site/` and `badges/` ([`input`] holds the file formats);
//! 2. [`validate`]: check everything, collecting every problem
//!    ([`diagnostic`]), and build the [`model`];
//! 3. [`render`]: HTML pages from the [`theme`] ([`markdown`] for prose);
//! 4. [`output`]: write the site atomically.
//!
//! [`build`] runs the stages; [`init`] scaffolds a new repository.

pub mod build;
pub mod canon;
pub mod diagnostic;
pub mod did;
pub mod error;
pub mod init;
pub mod input;
pub mod integrity;
pub mod keys;
pub mod ledger;
pub mod load;
pub mod markdown;
pub mod model;
pub mod multikey;
pub mod ob2;
pub mod ob3;
pub mod output;
pub mod publish;
pub mod render;
pub mod revoke;
pub mod shapes;
pub mod sign;
pub mod status;
pub mod theme;
pub mod validate;
pub mod verify;
pub mod view;

pub use error::Error;

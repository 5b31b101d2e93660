//! Rosette turns a git repository of TOML badge definitions and awards into a
//! static website of verifiable Open Badges.
//!
//! # The pipeline
//!
//! load → validate → model → issue (sign) → render → write, driven by
//! [`build`]:
//!
//! 1. [`repo`] reads `site/`, `badges/` and `rosette.lock`, validates them
//!    (collecting every problem as a [`diagnostic`]) and builds the
//!    [`model`]; [`build::plan`] adds the status slots and the lock's next
//!    state;
//! 2. [`credential`] issues the Open Badges 3.0 credentials (signed with
//!    `eddsa-rdfc-2022`), the OB 2.0 documents, the DID document and the
//!    status lists;
//! 3. [`site`] renders the pages from the theme;
//! 4. [`output`] writes everything, atomically.
//!
//! [`verify`] checks credentials the way a stranger does; [`serve`] builds
//! into memory and serves the site while its sources change; [`cli`] is
//! the command line. Every path of the output is in [`layout`].
//!
//! # Layers
//!
//! Each module uses only the modules of the layers below it (checked by the
//! test `tests/testsuite/layers.rs`, so a circle cannot come back):
//!
//! | layer | may use |
//! | --- | --- |
//! | `diagnostic`, `model`, `output` | nothing of the crate |
//! | `error` | `diagnostic` |
//! | `layout` | `model` |
//! | `credential` | `model`, `layout`, `output` |
//! | `repo` | `diagnostic`, `error`, `model`, `layout`, `credential` |
//! | `verify` | `error`, `model`, `layout`, `credential` |
//! | `site` | `diagnostic`, `model`, `layout`, `output` (never `credential`: no key reaches a template) |
//! | `build` | everything above |
//! | `serve` | everything above (it builds, into memory, again and again) |
//! | `cli` | everything |

pub mod build;
pub mod cli;
pub mod credential;
pub mod diagnostic;
pub mod error;
pub mod layout;
pub mod model;
pub mod output;
pub mod repo;
pub mod serve;
pub mod site;
pub mod verify;

pub use error::Error;

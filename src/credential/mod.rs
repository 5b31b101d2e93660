//! Credentials: the Open Badges 3.0 and 2.0 documents of a site, signed
//! with Data Integrity `eddsa-rdfc-2022` proofs (standards.md §2–§6).
//!
//! - [`contexts`]: every context URL and the bundled context documents;
//! - [`canon`]: offline JSON-LD safe mode and RDFC-1.0 canonical N-Quads,
//!   [`shapes`]: the same, fast, for documents of one shape, and
//!   [`portable`]: refusing canonical forms that sort differently in the
//!   wallets' JavaScript canonicaliser;
//! - [`integrity`]: signing and verifying proofs, [`multikey`] and [`keys`]:
//!   Ed25519 keys, [`did`]: the issuer's `did:web` document;
//! - [`ob3`], [`ob2`], [`recipient`], [`status`]: the documents, as typed
//!   structs built from the model;
//! - [`issue`]: all of it for a whole site, returned as bytes with paths.
//!
//! This layer uses only the model, the layout and JSON output: it never
//! reads the repository, renders a page or verifies someone else's
//! credential.

pub mod bake;
pub mod canon;
pub mod contexts;
pub mod did;
pub mod integrity;
pub mod issue;
pub mod keys;
pub mod multikey;
pub mod ob2;
pub mod ob3;
pub mod portable;
pub mod recipient;
pub mod shapes;
pub mod status;

//! Rosette's integration tests: one test binary (it links once, which
//! matters on 2 cores), one module per feature, as mdBook's testsuite.
//! Fixture repositories are in `tests/fixtures/`, golden output in
//! `tests/snapshots/`.

#![allow(dead_code)]

/// The benchmark's code: its repository generator and its figures.
#[path = "../../benches/build/run.rs"]
mod bench;
mod canon_support;
mod common;

mod bake;
mod bench_run;
mod browser;
mod build;
mod check;
mod deploy;
mod endorse;
mod hostile;
mod incremental;
mod init;
mod interop;
mod issuing;
mod key_safety;
mod layers;
mod learning;
mod ob2;
mod pyld;
mod quickstart;
mod revoke;
mod safe_mode;
mod serve;
mod signing;
mod unicode;
mod vectors;
mod workflows;

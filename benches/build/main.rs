//! The build benchmark: generates a synthetic badge repository of N awards
//! and reports every figure of issue 10's targets, in one run:
//!
//!     cargo bench --bench build                            # N = 2,000
//!     ROSETTE_BENCH_AWARDS=20000 cargo bench --bench build
//!     TMPDIR=/dev/shm cargo bench --bench build            # the code, not the disk
//!
//! See `run.rs` for what each figure measures. Figures are for the machine
//! that runs it: compare runs on one machine, never assert them in tests
//! (the test suite runs this at N = 200 only to check that every figure is
//! reported).

mod run;

fn main() {
    let awards = run::env_number("ROSETTE_BENCH_AWARDS", 2_000);
    let badges = run::env_number("ROSETTE_BENCH_BADGES", 50);
    // Each figure is printed as it is measured.
    run::run(&run::Setup {
        rosette: std::path::PathBuf::from(env!("CARGO_BIN_EXE_rosette")),
        awards,
        badges,
        repeats: run::env_number("ROSETTE_BENCH_REPEATS", 3),
        sample: run::env_number("ROSETTE_BENCH_SAMPLE", 200),
    });
}

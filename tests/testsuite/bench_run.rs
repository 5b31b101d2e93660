//! The benchmark (`cargo bench --bench build`, `benches/build/`) at a small
//! N: it completes and reports every figure of issue 10's targets. Speed
//! is never asserted here (figures come from the benchmark, in release).

use crate::bench;

#[test]
fn the_benchmark_reports_every_figure() {
    let report = bench::run(&bench::Setup {
        rosette: env!("CARGO_BIN_EXE_rosette").into(),
        awards: 200,
        badges: 10,
        repeats: 1,
        sample: 10,
    });
    for figure in [
        "synthetic repository: 200 awards, 10 badges",
        "full build: wall ",
        "peak memory ",
        "floor (sign + hash + write the same files): wall ",
        "full build CPU / floor CPU: ",
        "no-change rebuild: wall ",
        "one award edited, first edit after a full build: wall ",
        "one award edited: wall ",
        "Pages artifact (tar): ",
        "full build, warm signature cache: wall ",
        "signing, Rosette: ",
        "signing, Digital Bazaar: ",
        "Rosette / Digital Bazaar: ",
        "serve, save to reloaded page: median ",
    ] {
        assert!(report.contains(figure), "missing `{figure}` in:\n{report}");
    }
    assert!(!report.contains("not measured"), "{report}");
    assert!(
        report.contains("no-change rebuild: wall") && report.contains(", 0 files written"),
        "{report}"
    );
    assert!(
        report.contains("one award edited: wall")
            && report.contains("3 files written, 1 signatures made"),
        "{report}"
    );
    assert!(report.contains("identical proofValues: 10/10"), "{report}");
}

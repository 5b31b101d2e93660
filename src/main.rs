//! The `rosette` binary: everything is in the library (`rosette::cli`).

fn main() -> std::process::ExitCode {
    tune_allocator();
    rosette::cli::main()
}

/// Fixes glibc malloc's mmap threshold at its default, 128 KiB. Left alone,
/// glibc raises the threshold to the size of each large block freed (up to
/// 32 MiB), after which blocks that size come from the heap and stay there
/// when freed. A build frees many large transient blocks (file texts, parsed
/// TOML, badge pages with thousands of earners), and with the moving
/// threshold the resident set of a 100,000-award build was 311 MB for a heap
/// that peaked near 270 MB; fixed, it stays near its live data
/// (`cargo bench --bench build`, README).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    // SAFETY: `mallopt` only sets an allocator parameter; it is called
    // before any other thread exists, and a refusal (return 0) leaves the
    // default behaviour, which is correct, only larger.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

/// musl (the static release binaries) has no moving threshold to fix.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}

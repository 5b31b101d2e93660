//! The `rosette` binary: everything is in the library (`rosette::cli`).

fn main() -> std::process::ExitCode {
    tune_allocator();
    rosette::cli::main()
}

/// How far glibc grows each heap, and keeps it when memory is freed (see
/// [`tune_allocator`]).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TOP_PAD: libc::c_int = 32 << 20;

/// Fixes glibc malloc's mmap threshold at its default, 128 KiB. Left alone,
/// glibc raises the threshold to the size of each large block freed (up to
/// 32 MiB), after which blocks that size come from the heap and stay there
/// when freed. A build frees many large transient blocks (file texts, parsed
/// TOML, badge pages with thousands of earners), and with the moving
/// threshold the resident set of a 100,000-award build was 311 MB for a heap
/// that peaked near 270 MB; fixed, it stays near its live data
/// (`cargo bench --bench build`, README).
///
/// And grows (and keeps) each heap 32 MiB at a time instead of 128 KiB: a
/// build allocates and frees tens of megabytes in waves (parsed files, the
/// output record, rendered pages), and with the small pad the memory went
/// back to the kernel and returned as fresh zeroed pages: 34,000 page faults
/// for a 71 MB peak in a one-award rebuild at 20,000 awards. With a pad of
/// 16, 32 or 64 MiB: 24,000, 21,000 and 20,000 faults, and the rebuild
/// 0.38 s → 0.33–0.36 s (medians of 10 edits, the pads alternating; 32 and
/// 64 MiB alike; a fresh build 1.93 → 1.67 s), for more memory kept at the
/// peak: a full build of 100,000 awards 242 MB, 253 MB with 32 MiB, 272 MB
/// with 64. Only address space is reserved: pages never touched cost
/// nothing.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    // SAFETY: `mallopt` only sets an allocator parameter; it is called
    // before any other thread exists, and a refusal (return 0) leaves the
    // default behaviour, which is correct, only larger.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_TOP_PAD, TOP_PAD);
    }
}

/// musl (the static release binaries) has no moving threshold to fix.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}

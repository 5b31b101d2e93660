//! The `rosette` binary: everything is in the library (`rosette::cli`).

fn main() -> std::process::ExitCode {
    rosette::cli::main()
}

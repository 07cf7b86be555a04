fn main() -> std::process::ExitCode {
    restore_sigpipe();
    wenshu::cli::run()
}

/// `wenshu check … | head` ends quietly when `head` has read enough, as
/// every Unix filter does. Rust ignores SIGPIPE, so a write to the closed
/// pipe would be an error that `println!` turns into a panic (exit 101);
/// with the signal's default action the process just ends.
#[cfg(unix)]
fn restore_sigpipe() {
    // SAFETY: called first thing, before any thread exists; SIG_DFL is a
    // valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_sigpipe() {}

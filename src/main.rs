fn main() -> std::process::ExitCode {
    wenshu::cli::run()
}

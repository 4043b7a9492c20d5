fn main() -> std::process::ExitCode {
    win::main()
}

//! The `warroom-bench` binary: `warroom-bench [ack|declare|setup|storm|memory|startup|scheduler|faults]
//! [--quick]` prints the results table. It starts the `warroom` binary built next to it.

use clap::Parser;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "warroom-bench",
    version,
    about = "Measure warroom against its targets: ack, declare, setup, storm, memory, startup, scheduler, faults (or all)"
)]
struct Cli {
    /// Modes to run; all when none is given.
    modes: Vec<String>,
    /// Smaller runs (seconds, not minutes).
    #[arg(long)]
    quick: bool,
    /// The ack baseline: serve a bare axum hello-world on WARROOM_LISTEN.
    #[arg(long, hide = true)]
    serve_hello: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = if cli.serve_hello {
        warroom_bench::serve_hello().await
    } else {
        let mut out = std::io::stdout();
        warroom_bench::run(&mut out, &cli.modes, cli.quick).await
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("warroom-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

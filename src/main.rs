//! The `warroom` binary: `serve` (default), `migrate`, `check-config`.

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::process::ExitCode;
use warroom::settings::Settings;

#[derive(Parser)]
#[command(name = "warroom", version, about = "Runs incidents in Slack")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Validate the environment and the policy file, then exit.
    CheckConfig,
    /// Run a complete incident against the built-in Slack emulator and print the channel.
    #[cfg(feature = "emulator")]
    Demo {
        /// Afterwards keep running and serve the web console, signed in as the demo user.
        #[arg(long)]
        console: bool,
    },
    /// Measure against the targets: ack, declare, memory, startup, scheduler, faults (or all).
    #[cfg(feature = "emulator")]
    Bench {
        /// Modes to run; all when none is given.
        modes: Vec<String>,
        /// Smaller runs (seconds, not minutes).
        #[arg(long)]
        quick: bool,
    },
    /// The bench's baseline: a bare axum hello-world on WARROOM_LISTEN.
    #[cfg(feature = "emulator")]
    #[command(hide = true)]
    BenchHello,
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .json()
        .with_current_span(true)
        .init();
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            init_logging();
            serve().await
        }
        Command::Migrate => {
            init_logging();
            migrate().await
        }
        Command::CheckConfig => check_config(),
        #[cfg(feature = "emulator")]
        Command::Bench { modes, quick } => {
            let mut out = std::io::stdout();
            warroom::bench::run(&mut out, &modes, quick).await
        }
        #[cfg(feature = "emulator")]
        Command::BenchHello => warroom::bench::serve_hello().await,
        #[cfg(feature = "emulator")]
        Command::Demo { console } => {
            let mut out = std::io::stdout();
            warroom::demo::run_with(&mut out, console).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("warroom: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> anyhow::Result<()> {
    let settings = Settings::from_env(true)?;
    let policy = settings.load_policy()?;
    // Handle SIGTERM from before the listener opens: a stop that arrives during start-up
    // must still be graceful.
    let stop = shutdown_signal()?;
    let app = warroom::app::start(warroom::app::Options {
        settings,
        policy,
        clock: warroom::clock::Clock::system(),
        scheduler: true,
        lease: warroom::app::DEFAULT_LEASE,
    })
    .await?;
    stop.await;
    tracing::info!("shutting down: finishing in-flight requests and deliveries");
    app.shutdown().await;
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C; the handlers are installed when this is called.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("installing the SIGTERM handler")?;
    let ctrl_c = tokio::signal::ctrl_c();
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
    })
}

async fn migrate() -> anyhow::Result<()> {
    let settings = Settings::from_env(false)?;
    let store = warroom::store::Store::connect(&settings.database_url).await?;
    store.migrate().await.context("migrating")?;
    println!(
        "migrations applied to {}",
        warroom::store::redact(&settings.database_url)
    );
    Ok(())
}

fn check_config() -> anyhow::Result<()> {
    let settings = Settings::from_env(true)?;
    let policy = settings.load_policy()?;
    println!(
        "config ok: {} severities ({}), {} roles, announce channel {}",
        policy.severities.len(),
        policy
            .severities
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        policy.roles.len(),
        policy.announce_channel.as_deref().unwrap_or("none")
    );
    Ok(())
}

//! The `warroom` binary: `serve` (default), `migrate`, `check-config`, and `demo` (cargo
//! feature `demo`, on by default). Configuration comes from flags or the environment;
//! `warroom --help` lists every variable.

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::process::ExitCode;
use warroom::settings::{EnvArgs, Settings};

#[derive(Parser)]
#[command(name = "warroom", version, about = "Runs incidents in Slack")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    env: EnvArgs,
    /// Log filter (`tracing` directives, e.g. `warroom=debug,info`).
    #[arg(long = "log", env = "RUST_LOG", default_value = "info", global = true)]
    log_filter: String,
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
    #[cfg(feature = "demo")]
    Demo {
        /// Afterwards keep running and serve the web console, signed in as the demo user.
        #[arg(long)]
        console: bool,
    },
}

fn init_logging(directives: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(directives)
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
    let env = cli.env;
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            init_logging(&cli.log_filter);
            serve(&env).await
        }
        Command::Migrate => {
            init_logging(&cli.log_filter);
            migrate(&env).await
        }
        Command::CheckConfig => check_config(&env),
        #[cfg(feature = "demo")]
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

async fn serve(env: &EnvArgs) -> anyhow::Result<()> {
    let settings = Settings::from_args(env, true)?;
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

async fn migrate(env: &EnvArgs) -> anyhow::Result<()> {
    let settings = Settings::from_args(env, false)?;
    let store = warroom::store::Store::connect(&settings.database_url).await?;
    store.migrate().await.context("migrating")?;
    println!(
        "migrations applied to {}",
        warroom::store::redact(&settings.database_url)
    );
    Ok(())
}

fn check_config(env: &EnvArgs) -> anyhow::Result<()> {
    let settings = Settings::from_args(env, true)?;
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

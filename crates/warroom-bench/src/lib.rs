//! `warroom-bench`: the numbers behind the claims. Each mode prints rows of a table
//! (`metric | value | target | met`). Servers under test run as child processes
//! (`warroom serve`, the product binary), so their CPU and memory are measured apart from
//! the load generator and the Slack emulator, which run in the bench process.

mod ack;
mod declare;
pub mod faults;
mod memory;
mod populate;
pub mod process;
mod scheduler;
pub mod setup;
pub mod storm;

use std::io::Write;

/// One line of the results table.
pub struct Row {
    pub metric: String,
    pub value: String,
    pub target: String,
    pub met: Option<bool>,
}

impl Row {
    pub fn new(metric: &str, value: String, target: &str, met: Option<bool>) -> Row {
        Row {
            metric: metric.to_string(),
            value,
            target: target.to_string(),
            met,
        }
    }
}

pub fn print_rows<W: Write>(out: &mut W, rows: &[Row]) -> std::io::Result<()> {
    for r in rows {
        let met = match r.met {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "",
        };
        writeln!(
            out,
            "| {:<52} | {:>18} | {:>14} | {:^3} |",
            r.metric, r.value, r.target, met
        )?;
    }
    out.flush()
}

/// Percentile (0–100) of sorted samples.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

pub use ack::serve_hello;

pub const MODES: [&str; 8] = [
    "ack",
    "declare",
    "setup",
    "storm",
    "memory",
    "startup",
    "scheduler",
    "faults",
];

/// Runs `modes` (or all); `quick` shrinks every run for CI-sized checks.
pub async fn run<W: Write>(out: &mut W, modes: &[String], quick: bool) -> anyhow::Result<()> {
    let modes: Vec<String> = if modes.is_empty() || modes.iter().any(|m| m == "all") {
        MODES.iter().map(|m| m.to_string()).collect()
    } else {
        modes.to_vec()
    };
    for m in &modes {
        if !MODES.contains(&m.as_str()) {
            anyhow::bail!("unknown bench mode {m:?}; modes: {}", MODES.join(", "));
        }
    }
    writeln!(
        out,
        "warroom-bench — {} — {} CPUs — {}{}\n",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        std::env::consts::ARCH,
        if quick { " — quick" } else { "" }
    )?;
    writeln!(
        out,
        "| {:<52} | {:>18} | {:>14} | met |",
        "metric", "value", "target"
    )?;
    writeln!(out, "|{:-<54}|{:->20}|{:->16}|-----|", "", "", "")?;
    for m in modes {
        let rows = match m.as_str() {
            "ack" => ack::run(quick).await?,
            "declare" => declare::run(quick).await?,
            "setup" => setup::run(quick).await?,
            "storm" => storm::run(quick).await?,
            "memory" => memory::run_memory(quick).await?,
            "startup" => memory::run_startup().await?,
            "scheduler" => scheduler::run(quick).await?,
            "faults" => faults::run(quick).await?,
            _ => Vec::new(),
        };
        print_rows(out, &rows)?;
    }
    Ok(())
}

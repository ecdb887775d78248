//! warroom — runs incidents in Slack.
//!
//! Data path: verified request → parsed command → `incident::decide` (pure) → one
//! database transaction (state + timeline + outbox) → acknowledgement → delivery to Slack
//! by the outbox worker. The scheduler turns due times into commands on the same path.

pub mod app;
#[cfg(feature = "emulator")]
pub mod bench;
pub mod clock;
pub mod deliver;
mod deliver_checklist;
mod deliver_subscribers;
#[cfg(feature = "emulator")]
pub mod demo;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod http;
pub mod incident;
pub mod integrations;
pub mod metrics;
pub mod open_cache;
pub mod outbox;
pub mod policy;
pub mod render;
pub mod scheduler;
pub mod service;
pub mod settings;
pub mod slack;
pub mod socket_mode;
pub mod store;

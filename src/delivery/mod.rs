//! Delivery: everything that leaves warroom goes through the outbox and out from here.
//!
//! - [`worker`]: claims effects (leased, one lane in order), delivers, records, prunes
//! - [`slack`]: an effect as Slack Web API calls, rendered from current state
//! - [`pagerduty`], [`webhook`], [`statuspage`]: the other receivers
//! - `status_drafts`: status-page drafts offered (and refreshed) in the incident channel
//! - [`pace`]: Slack's rate tiers kept ahead of Slack, gravest incidents first
//! - [`pause`]: Slack refusing the token pauses delivery (nothing lost), `/readyz` says why
//! - [`posted`]: exactly once across lost answers (tagged posts, adopted channels)
//! - `archive`: a closed incident's channel archived after the policy's delay
//! - `followup`: action items' due-date DMs and the weekly digest
//! - `home`: each person's App Home, published from current state
//! - `canvas`: the post-mortem draft as the incident channel's canvas (or a file)
//! - `join`: rejoin a public channel warroom was removed from, and call again
//! - [`retry`]: the one retry policy — backoff, transient or final, already done
//! - [`lane`]: the order effects go out in, as a type

mod archive;
mod canvas;
mod checklist;
mod escalation;
mod followup;
mod home;
mod join;
pub mod lane;
pub mod pace;
pub mod pagerduty;
pub mod pause;
pub mod posted;
pub mod retry;
pub mod slack;
mod status_drafts;
pub mod statuspage;
mod subscribers;
pub mod webhook;
pub mod worker;

pub use lane::{Integration, Lane};
pub use retry::Delivery;
pub use worker::Outbox;

use crate::outbound::{HttpClient, SendError};
use crate::slack::client::CallError;
use serde_json::Value;
use std::time::Duration;

/// How long PagerDuty or a webhook receiver may take to answer.
const RECEIVER_TIMEOUT: Duration = Duration::from_secs(10);

/// POSTs JSON to a receiver; classifies the answer like a Slack call, so one retry
/// policy covers every delivery.
pub async fn post_json(
    http: &HttpClient,
    url: &str,
    body: &Value,
    headers: &[(&str, String)],
) -> Result<(), CallError> {
    let bytes = serde_json::to_vec(body).map_err(|e| CallError::Transport(e.to_string()))?;
    let answer = http
        .post(url, "application/json", bytes, headers, RECEIVER_TIMEOUT)
        .await
        .map_err(|e| match e {
            SendError::Timeout => CallError::Timeout,
            SendError::Transport(e) => CallError::Transport(e),
        })?;
    let status = answer.status.as_u16();
    match status {
        200..=299 => Ok(()),
        429 => Err(CallError::RateLimited(
            answer
                .headers
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok())
                .map(Duration::from_secs),
        )),
        _ => Err(CallError::Http(status)),
    }
}

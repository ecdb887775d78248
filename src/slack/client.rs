//! The Slack Web API port, and its adapter on slack-morphism's hyper client (over the
//! connector every outbound request uses, see `outbound`).
//!
//! Every call is a method name and a JSON object of arguments, answered with Slack's
//! JSON envelope. We send the documented request shapes ourselves (e.g. `users` as a
//! comma-separated string for `conversations.invite`) through slack-morphism's session,
//! which gives us the `ok`/`error` envelope, `Retry-After` on 429, and TLS.

use serde_json::Value;
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;
use std::sync::Arc;
use std::time::Duration;

/// How a call failed, classified for the retry policy of the outbox.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// `{"ok":false,"error":code}`.
    #[error("slack error {0}")]
    Api(String),
    /// HTTP 429; wait `Retry-After`.
    #[error("rate limited (retry after {0:?})")]
    RateLimited(Option<Duration>),
    /// Any other HTTP status.
    #[error("HTTP {0}")]
    Http(u16),
    /// Connection refused, reset, TLS, malformed answer…
    #[error("transport: {0}")]
    Transport(String),
    #[error("timed out")]
    Timeout,
    /// Held back by our own pacing of Slack's rate tiers: Slack never saw the call.
    #[error("paced (a slot frees in {0:?})")]
    Paced(Duration),
}

impl CallError {
    /// Worth trying again later? Slack's own transient codes count as such.
    pub fn is_transient(&self) -> bool {
        match self {
            CallError::Api(code) => matches!(
                code.as_str(),
                "internal_error"
                    | "fatal_error"
                    | "service_unavailable"
                    | "request_timeout"
                    | "ratelimited"
            ),
            CallError::Http(status) => *status >= 500 || *status == 408,
            CallError::RateLimited(_)
            | CallError::Transport(_)
            | CallError::Timeout
            | CallError::Paced(_) => true,
        }
    }

    pub fn code(&self) -> String {
        match self {
            CallError::Api(code) => code.clone(),
            CallError::RateLimited(_) => "ratelimited".into(),
            CallError::Http(s) => format!("http_{s}"),
            CallError::Transport(_) => "transport".into(),
            CallError::Timeout => "timeout".into(),
            CallError::Paced(_) => "paced".into(),
        }
    }
}

/// The Web API as the delivery worker sees it.
#[async_trait::async_trait]
pub trait SlackApi: Send + Sync {
    async fn call(&self, method: &str, args: Value) -> Result<Value, CallError>;
}

pub type SharedApi = Arc<dyn SlackApi>;

type Connector = SlackClientHyperHttpsConnector;

/// slack-morphism's client pointed at `SLACK_API_URL`; plain `http://` works.
pub struct MorphismApi {
    client: SlackClient<Connector>,
    token: SlackApiToken,
    timeout: Duration,
}

impl MorphismApi {
    pub fn new(api_url: &str, bot_token: &str, timeout: Duration) -> anyhow::Result<MorphismApi> {
        // `SlackClientHyperConnector::new()` is https-only; the shared connector also
        // speaks plain http, so a local emulator (or a proxy) can be used.
        let connector = SlackClientHyperConnector::from(crate::outbound::connector()?)
            .with_slack_api_url(api_url.trim_end_matches('/'));
        Ok(MorphismApi {
            client: SlackClient::new(connector),
            token: SlackApiToken::new(bot_token.to_string().into()),
            timeout,
        })
    }
}

#[async_trait::async_trait]
impl SlackApi for MorphismApi {
    async fn call(&self, method: &str, args: Value) -> Result<Value, CallError> {
        let session = self.client.open_session(&self.token);
        let call = session
            .http_session_api
            .http_post::<Value, Value>(method, &args, None);
        match tokio::time::timeout(self.timeout, call).await {
            Err(_) => Err(CallError::Timeout),
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(err)) => Err(classify(err)),
        }
    }
}

fn classify(err: SlackClientError) -> CallError {
    match err {
        SlackClientError::ApiError(e) => CallError::Api(e.code),
        SlackClientError::RateLimitError(e) => CallError::RateLimited(e.retry_after),
        SlackClientError::HttpError(e) => CallError::Http(e.status_code.as_u16()),
        other => CallError::Transport(other.to_string().lines().next().unwrap_or("").to_string()),
    }
}

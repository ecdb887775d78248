//! Process configuration from the environment (SPEC §1), validated once at start.
//! Secrets are kept out of `Debug` output.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone)]
pub struct Settings {
    pub signing_secrets: Vec<String>,
    pub bot_token: String,
    pub slack_api_url: String,
    pub database_url: String,
    pub listen: SocketAddr,
    pub config_path: Option<PathBuf>,
    pub api_token: Option<String>,
    pub app_token: Option<String>,
    pub pagerduty_routing_key: Option<String>,
    pub pagerduty_events_url: String,
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
    /// The console (sign in with Slack); `None` when `SLACK_CLIENT_ID` is unset.
    pub console: Option<ConsoleSettings>,
}

/// `SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET`, `WARROOM_PUBLIC_URL`, `WARROOM_SESSION_SECRET`:
/// the console's sign-in. Kept apart from the rest so it reads as one unit.
#[derive(Clone)]
pub struct ConsoleSettings {
    pub client_id: String,
    pub client_secret: String,
    /// External base URL without a trailing slash; `None`: `http://<listen address>`.
    pub public_url: Option<String>,
    pub session_secret: Vec<u8>,
}

/// The session secret must be at least this long (it keys HMAC-SHA256).
pub const MIN_SESSION_SECRET: usize = 32;

impl ConsoleSettings {
    fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, SettingsError> {
        let Some(client_id) = get("SLACK_CLIENT_ID") else {
            return Ok(None);
        };
        let client_secret =
            get("SLACK_CLIENT_SECRET").ok_or(SettingsError::Missing("SLACK_CLIENT_SECRET"))?;
        let session_secret = get("WARROOM_SESSION_SECRET")
            .ok_or(SettingsError::Missing("WARROOM_SESSION_SECRET"))?;
        if session_secret.len() < MIN_SESSION_SECRET {
            return Err(SettingsError::Invalid {
                name: "WARROOM_SESSION_SECRET",
                reason: format!("must be at least {MIN_SESSION_SECRET} bytes"),
            });
        }
        let public_url = get("WARROOM_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_string());
        if let Some(u) = &public_url {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                return Err(SettingsError::Invalid {
                    name: "WARROOM_PUBLIC_URL",
                    reason: "must start with http:// or https://".into(),
                });
            }
        }
        Ok(Some(ConsoleSettings {
            client_id,
            client_secret,
            public_url,
            session_secret: session_secret.into_bytes(),
        }))
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field(
                "signing_secrets",
                &format!("{} configured", self.signing_secrets.len()),
            )
            .field("slack_api_url", &self.slack_api_url)
            .field("database_url", &crate::store::redact(&self.database_url))
            .field("listen", &self.listen)
            .field("config_path", &self.config_path)
            .field("api_token", &self.api_token.as_ref().map(|_| "set"))
            .field("app_token", &self.app_token.as_ref().map(|_| "set"))
            .field("console", &self.console.as_ref().map(|_| "on"))
            .finish_non_exhaustive()
    }
}

pub const DEFAULT_SLACK_API_URL: &str = "https://slack.com/api";
pub const DEFAULT_DATABASE_URL: &str = "sqlite://warroom.db";
pub const DEFAULT_LISTEN: &str = "0.0.0.0:3000";
pub const DEFAULT_PAGERDUTY_URL: &str = "https://events.pagerduty.com/v2/enqueue";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SettingsError {
    #[error("{0} is required")]
    Missing(&'static str),
    #[error("{name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

impl Settings {
    /// Reads the process environment. `require_slack` is false for commands that don't
    /// talk to Slack (`migrate`, `check-config`).
    pub fn from_env(require_slack: bool) -> Result<Settings, SettingsError> {
        Settings::from_lookup(|k| std::env::var(k).ok(), require_slack)
    }

    pub fn from_lookup(
        get: impl Fn(&str) -> Option<String>,
        require_slack: bool,
    ) -> Result<Settings, SettingsError> {
        let get = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let signing_secrets: Vec<String> = get("SLACK_SIGNING_SECRET")
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let bot_token = get("SLACK_BOT_TOKEN").unwrap_or_default();
        if require_slack {
            if signing_secrets.is_empty() {
                return Err(SettingsError::Missing("SLACK_SIGNING_SECRET"));
            }
            if bot_token.is_empty() {
                return Err(SettingsError::Missing("SLACK_BOT_TOKEN"));
            }
        }
        let slack_api_url = get("SLACK_API_URL").unwrap_or_else(|| DEFAULT_SLACK_API_URL.into());
        if !(slack_api_url.starts_with("http://") || slack_api_url.starts_with("https://")) {
            return Err(SettingsError::Invalid {
                name: "SLACK_API_URL",
                reason: "must start with http:// or https://".into(),
            });
        }
        let listen_text = get("WARROOM_LISTEN").unwrap_or_else(|| DEFAULT_LISTEN.into());
        let listen = listen_text.parse().map_err(|e| SettingsError::Invalid {
            name: "WARROOM_LISTEN",
            reason: format!("{listen_text:?}: {e}"),
        })?;
        let app_token = get("SLACK_APP_TOKEN");
        if let Some(t) = &app_token {
            if !t.starts_with("xapp-") {
                return Err(SettingsError::Invalid {
                    name: "SLACK_APP_TOKEN",
                    reason: "an app-level token starts with xapp-".into(),
                });
            }
        }
        Ok(Settings {
            signing_secrets,
            bot_token,
            slack_api_url: slack_api_url.trim_end_matches('/').to_string(),
            database_url: get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            listen,
            config_path: get("WARROOM_CONFIG").map(PathBuf::from),
            api_token: get("WARROOM_API_TOKEN"),
            app_token,
            pagerduty_routing_key: get("PAGERDUTY_ROUTING_KEY"),
            pagerduty_events_url: get("PAGERDUTY_EVENTS_URL")
                .unwrap_or_else(|| DEFAULT_PAGERDUTY_URL.into()),
            webhook_url: get("WARROOM_WEBHOOK_URL"),
            webhook_secret: get("WARROOM_WEBHOOK_SECRET"),
            console: ConsoleSettings::from_lookup(get)?,
        })
    }

    /// The policy file, or the built-in defaults.
    pub fn load_policy(&self) -> Result<crate::policy::Policy, crate::policy::PolicyError> {
        match &self.config_path {
            Some(path) => crate::policy::Policy::load(path),
            None => Ok(crate::policy::Policy::builtin()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(vars: &[(&str, &str)], require: bool) -> Result<Settings, SettingsError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned(), require)
    }

    #[test]
    fn defaults_and_requirements() {
        assert_eq!(
            from(&[], true).unwrap_err(),
            SettingsError::Missing("SLACK_SIGNING_SECRET")
        );
        let s = from(
            &[
                ("SLACK_SIGNING_SECRET", "a, b"),
                ("SLACK_BOT_TOKEN", "xoxb-1"),
            ],
            true,
        )
        .unwrap();
        assert_eq!(s.signing_secrets, vec!["a", "b"]);
        assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(s.slack_api_url, DEFAULT_SLACK_API_URL);
        assert_eq!(s.listen.port(), 3000);
        assert!(from(&[("WARROOM_LISTEN", "nowhere")], false).is_err());
        assert!(from(&[("SLACK_API_URL", "ftp://x")], false).is_err());
        assert!(from(&[("SLACK_APP_TOKEN", "xoxb-1")], false).is_err());
        let dbg = format!(
            "{:?}",
            from(
                &[
                    ("SLACK_SIGNING_SECRET", "topsecret"),
                    ("DATABASE_URL", "postgres://u:pw@h/db")
                ],
                false
            )
            .unwrap()
        );
        assert!(!dbg.contains("topsecret") && !dbg.contains("pw@"), "{dbg}");
    }
}

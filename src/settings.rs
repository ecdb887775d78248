//! Process configuration, read by clap from flags and the environment (each variable is
//! also a `--flag`, and `--help` lists them all), validated once at start.
//! Secrets are kept out of `Debug` output and out of `--help`.

use clap::{Args, CommandFactory, FromArgMatches, Parser};
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
    /// `WARROOM_ALERTS_SECRET`: bearer secret of `/hooks/*`; the hooks answer 404 without it.
    pub alerts_secret: Option<String>,
    pub app_token: Option<String>,
    pub pagerduty_routing_key: Option<String>,
    pub pagerduty_events_url: String,
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
    /// Atlassian Statuspage, when both `STATUSPAGE_API_KEY` and `STATUSPAGE_PAGE_ID` are set.
    pub statuspage: Option<StatuspageSettings>,
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

/// `STATUSPAGE_API_KEY`, `STATUSPAGE_PAGE_ID`, `STATUSPAGE_API_URL`: where published
/// status-page drafts go.
#[derive(Clone)]
pub struct StatuspageSettings {
    pub api_key: String,
    pub page_id: String,
    /// Without a trailing slash.
    pub api_url: String,
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

impl StatuspageSettings {
    /// Both the key and the page, or neither: one without the other is a mistake.
    fn from_values(
        api_key: Option<String>,
        page_id: Option<String>,
        api_url: String,
    ) -> Result<Option<Self>, SettingsError> {
        if !(api_url.starts_with("http://") || api_url.starts_with("https://")) {
            return Err(SettingsError::Invalid {
                name: "STATUSPAGE_API_URL",
                reason: "must start with http:// or https://".into(),
            });
        }
        match (api_key, page_id) {
            (None, None) => Ok(None),
            (Some(_), None) => Err(SettingsError::Missing("STATUSPAGE_PAGE_ID")),
            (None, Some(_)) => Err(SettingsError::Missing("STATUSPAGE_API_KEY")),
            (Some(api_key), Some(page_id)) => Ok(Some(StatuspageSettings {
                api_key,
                page_id,
                api_url: api_url.trim_end_matches('/').to_string(),
            })),
        }
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
            .field("alerts_secret", &self.alerts_secret.as_ref().map(|_| "set"))
            .field("app_token", &self.app_token.as_ref().map(|_| "set"))
            .field(
                "statuspage",
                &self.statuspage.as_ref().map(|s| (&s.page_id, &s.api_url)),
            )
            .field("console", &self.console.as_ref().map(|_| "on"))
            .finish_non_exhaustive()
    }
}

pub const DEFAULT_SLACK_API_URL: &str = "https://slack.com/api";
pub const DEFAULT_DATABASE_URL: &str = "sqlite://warroom.db";
pub const DEFAULT_LISTEN: &str = "0.0.0.0:3000";
pub const DEFAULT_PAGERDUTY_URL: &str = "https://events.pagerduty.com/v2/enqueue";
pub const DEFAULT_STATUSPAGE_URL: &str = "https://api.statuspage.io/v1";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SettingsError {
    #[error("{0} is required")]
    Missing(&'static str),
    #[error("{name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// The environment as clap reads it. Values are kept as given; [`Settings::from_args`]
/// trims them, treats blank as unset and validates.
#[derive(Clone, Args)]
pub struct EnvArgs {
    /// App signing secret; a comma-separated list is accepted (secret rotation).
    /// Required for `serve` and `check-config`.
    #[arg(
        long,
        env = "SLACK_SIGNING_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub slack_signing_secret: Option<String>,
    /// Bot token (`xoxb-…`). Required for `serve` and `check-config`.
    #[arg(long, env = "SLACK_BOT_TOKEN", hide_env_values = true, global = true)]
    pub slack_bot_token: Option<String>,
    /// Base URL of the Slack Web API; calls go to `{url}/{method}`, plain http:// works.
    #[arg(long, env = "SLACK_API_URL", default_value = DEFAULT_SLACK_API_URL, global = true)]
    pub slack_api_url: String,
    /// `sqlite://…` (embedded) or `postgres://…`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = DEFAULT_DATABASE_URL,
        hide_env_values = true,
        global = true
    )]
    pub database_url: String,
    /// Listen address.
    #[arg(long = "listen", env = "WARROOM_LISTEN", default_value = DEFAULT_LISTEN, global = true)]
    pub warroom_listen: String,
    /// Path of the TOML policy file; built-in defaults when unset.
    #[arg(long = "config", env = "WARROOM_CONFIG", global = true)]
    pub warroom_config: Option<String>,
    /// Bearer token for `/api/*`; `/api/*` answers 404 when unset.
    #[arg(
        long = "api-token",
        env = "WARROOM_API_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub warroom_api_token: Option<String>,
    /// App-level token (`xapp-…`); when set, Slack traffic also arrives over Socket Mode.
    #[arg(long, env = "SLACK_APP_TOKEN", hide_env_values = true, global = true)]
    pub slack_app_token: Option<String>,
    /// PagerDuty Events API v2 routing key: pages for severities with `page = true`.
    #[arg(
        long,
        env = "PAGERDUTY_ROUTING_KEY",
        hide_env_values = true,
        global = true
    )]
    pub pagerduty_routing_key: Option<String>,
    /// PagerDuty Events API v2 endpoint.
    #[arg(long, env = "PAGERDUTY_EVENTS_URL", default_value = DEFAULT_PAGERDUTY_URL, global = true)]
    pub pagerduty_events_url: String,
    /// Outbound JSON webhook on incident changes.
    #[arg(
        long = "webhook-url",
        env = "WARROOM_WEBHOOK_URL",
        hide_env_values = true,
        global = true
    )]
    pub warroom_webhook_url: Option<String>,
    /// HMAC-SHA256 secret signing the webhook (`x-warroom-signature`).
    #[arg(
        long = "webhook-secret",
        env = "WARROOM_WEBHOOK_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub warroom_webhook_secret: Option<String>,
    /// Bearer secret of the alert hooks `/hooks/alertmanager` and `/hooks/grafana`; they
    /// answer 404 when unset.
    #[arg(
        long = "alerts-secret",
        env = "WARROOM_ALERTS_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub warroom_alerts_secret: Option<String>,
    /// Atlassian Statuspage API key: "Publish" on a status-page draft sends it there.
    #[arg(
        long,
        env = "STATUSPAGE_API_KEY",
        hide_env_values = true,
        global = true
    )]
    pub statuspage_api_key: Option<String>,
    /// The Statuspage page drafts are published to (needed with the API key).
    #[arg(long, env = "STATUSPAGE_PAGE_ID", global = true)]
    pub statuspage_page_id: Option<String>,
    /// Statuspage's REST API base URL.
    #[arg(long, env = "STATUSPAGE_API_URL", default_value = DEFAULT_STATUSPAGE_URL, global = true)]
    pub statuspage_api_url: String,
    /// Slack app client id: turns the web console (Sign in with Slack) on.
    #[arg(long, env = "SLACK_CLIENT_ID", global = true)]
    pub slack_client_id: Option<String>,
    /// Slack app client secret (the console's OpenID Connect code exchange).
    #[arg(
        long,
        env = "SLACK_CLIENT_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub slack_client_secret: Option<String>,
    /// The console's external base URL (its redirect URI is `<url>/auth/callback`).
    #[arg(long = "public-url", env = "WARROOM_PUBLIC_URL", global = true)]
    pub warroom_public_url: Option<String>,
    /// At least 32 bytes: signs the console's session cookie.
    #[arg(
        long = "session-secret",
        env = "WARROOM_SESSION_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub warroom_session_secret: Option<String>,
}

/// `EnvArgs` alone, for reading the environment outside the binary's own parser.
#[derive(Parser)]
#[command(name = "warroom")]
struct EnvOnly {
    #[command(flatten)]
    env: EnvArgs,
}

impl EnvArgs {
    /// Every environment variable read, in declaration order.
    pub fn variables() -> Vec<String> {
        EnvOnly::command()
            .get_arguments()
            .filter_map(|a| a.get_env())
            .map(|v| v.to_string_lossy().into_owned())
            .collect()
    }

    /// Reads the variables through `get` instead of the process environment (tests,
    /// `demo`); flags, defaults and names are the ones clap uses.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<EnvArgs, SettingsError> {
        let mut argv = vec!["warroom".to_string()];
        let command = EnvOnly::command();
        for arg in command.get_arguments() {
            let (Some(var), Some(long)) = (arg.get_env(), arg.get_long()) else {
                continue;
            };
            if let Some(value) = get(&var.to_string_lossy()) {
                argv.push(format!("--{long}={value}"));
            }
        }
        // Parsed with the environment switched off, so only `get` supplies values.
        let matches = command
            .mut_args(|a| a.env(None))
            .try_get_matches_from(argv)
            .map_err(clap_error)?;
        EnvArgs::from_arg_matches(&matches).map_err(clap_error)
    }
}

fn clap_error(e: clap::Error) -> SettingsError {
    SettingsError::Invalid {
        name: "environment",
        reason: e.to_string().lines().next().unwrap_or("").to_string(),
    }
}

impl Settings {
    /// Reads the process environment (through clap, as the binary does). `require_slack`
    /// is false for commands that don't talk to Slack (`migrate`).
    pub fn from_env(require_slack: bool) -> Result<Settings, SettingsError> {
        let parsed = EnvOnly::try_parse_from(["warroom"]).map_err(clap_error)?;
        Settings::from_args(&parsed.env, require_slack)
    }

    /// Reads the variables through `get` instead of the process environment.
    pub fn from_lookup(
        get: impl Fn(&str) -> Option<String>,
        require_slack: bool,
    ) -> Result<Settings, SettingsError> {
        Settings::from_args(&EnvArgs::from_lookup(get)?, require_slack)
    }

    /// Validates what clap read. Values are trimmed; a blank value counts as unset.
    pub fn from_args(args: &EnvArgs, require_slack: bool) -> Result<Settings, SettingsError> {
        let set = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let or_default = |v: &str, default: &str| match v.trim() {
            "" => default.to_string(),
            v => v.to_string(),
        };
        let signing_secrets: Vec<String> = set(&args.slack_signing_secret)
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let bot_token = set(&args.slack_bot_token).unwrap_or_default();
        if require_slack {
            if signing_secrets.is_empty() {
                return Err(SettingsError::Missing("SLACK_SIGNING_SECRET"));
            }
            if bot_token.is_empty() {
                return Err(SettingsError::Missing("SLACK_BOT_TOKEN"));
            }
        }
        let slack_api_url = or_default(&args.slack_api_url, DEFAULT_SLACK_API_URL);
        if !(slack_api_url.starts_with("http://") || slack_api_url.starts_with("https://")) {
            return Err(SettingsError::Invalid {
                name: "SLACK_API_URL",
                reason: "must start with http:// or https://".into(),
            });
        }
        let listen_text = or_default(&args.warroom_listen, DEFAULT_LISTEN);
        let listen = listen_text.parse().map_err(|e| SettingsError::Invalid {
            name: "WARROOM_LISTEN",
            reason: format!("{listen_text:?}: {e}"),
        })?;
        let app_token = set(&args.slack_app_token);
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
            database_url: or_default(&args.database_url, DEFAULT_DATABASE_URL),
            listen,
            config_path: set(&args.warroom_config).map(PathBuf::from),
            api_token: set(&args.warroom_api_token),
            alerts_secret: set(&args.warroom_alerts_secret),
            app_token,
            pagerduty_routing_key: set(&args.pagerduty_routing_key),
            pagerduty_events_url: or_default(&args.pagerduty_events_url, DEFAULT_PAGERDUTY_URL),
            webhook_url: set(&args.warroom_webhook_url),
            webhook_secret: set(&args.warroom_webhook_secret),
            statuspage: StatuspageSettings::from_values(
                set(&args.statuspage_api_key),
                set(&args.statuspage_page_id),
                or_default(&args.statuspage_api_url, DEFAULT_STATUSPAGE_URL),
            )?,
            console: ConsoleSettings::from_lookup(|name| match name {
                "SLACK_CLIENT_ID" => set(&args.slack_client_id),
                "SLACK_CLIENT_SECRET" => set(&args.slack_client_secret),
                "WARROOM_SESSION_SECRET" => set(&args.warroom_session_secret),
                "WARROOM_PUBLIC_URL" => set(&args.warroom_public_url),
                _ => None,
            })?,
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

    #[test]
    fn every_variable_read_is_a_flag_listed_by_help() {
        let asked = std::sync::Mutex::new(Vec::new());
        from_lookup_recording(&asked);
        let asked = asked.into_inner().unwrap();
        assert_eq!(asked, EnvArgs::variables());
        for var in [
            "SLACK_SIGNING_SECRET",
            "SLACK_BOT_TOKEN",
            "SLACK_API_URL",
            "DATABASE_URL",
            "WARROOM_LISTEN",
            "WARROOM_CONFIG",
            "WARROOM_API_TOKEN",
            "SLACK_APP_TOKEN",
            "PAGERDUTY_ROUTING_KEY",
            "PAGERDUTY_EVENTS_URL",
            "WARROOM_WEBHOOK_URL",
            "WARROOM_WEBHOOK_SECRET",
            "WARROOM_ALERTS_SECRET",
            "SLACK_CLIENT_ID",
            "SLACK_CLIENT_SECRET",
            "WARROOM_PUBLIC_URL",
            "WARROOM_SESSION_SECRET",
            "STATUSPAGE_API_KEY",
            "STATUSPAGE_PAGE_ID",
            "STATUSPAGE_API_URL",
        ] {
            assert!(asked.iter().any(|v| v == var), "{var} is not read");
        }
        let help = EnvOnly::command().render_long_help().to_string();
        for var in &asked {
            assert!(
                help.contains(&format!("[env: {var}")),
                "{var} not in\n{help}"
            );
        }
    }

    #[test]
    fn statuspage_needs_key_and_page_together() {
        assert!(from(&[], false).unwrap().statuspage.is_none());
        let s = from(
            &[
                ("STATUSPAGE_API_KEY", "k3y"),
                ("STATUSPAGE_PAGE_ID", "pg1"),
                ("STATUSPAGE_API_URL", "http://127.0.0.1:9/v1/"),
            ],
            false,
        )
        .unwrap();
        let sp = s.statuspage.as_ref().unwrap();
        assert_eq!(
            (
                sp.api_key.as_str(),
                sp.page_id.as_str(),
                sp.api_url.as_str()
            ),
            ("k3y", "pg1", "http://127.0.0.1:9/v1")
        );
        assert!(!format!("{s:?}").contains("k3y"));
        let defaults = from(
            &[("STATUSPAGE_API_KEY", "k"), ("STATUSPAGE_PAGE_ID", "p")],
            false,
        )
        .unwrap();
        assert_eq!(defaults.statuspage.unwrap().api_url, DEFAULT_STATUSPAGE_URL);
        assert_eq!(
            from(&[("STATUSPAGE_API_KEY", "k")], false).unwrap_err(),
            SettingsError::Missing("STATUSPAGE_PAGE_ID")
        );
        assert_eq!(
            from(&[("STATUSPAGE_PAGE_ID", "p")], false).unwrap_err(),
            SettingsError::Missing("STATUSPAGE_API_KEY")
        );
        assert!(from(&[("STATUSPAGE_API_URL", "ftp://x")], false).is_err());
    }

    fn from_lookup_recording(asked: &std::sync::Mutex<Vec<String>>) {
        let _ = Settings::from_lookup(
            |k| {
                asked.lock().unwrap().push(k.to_string());
                None
            },
            false,
        );
    }

    #[test]
    fn blank_values_are_unset_and_flags_keep_their_defaults() {
        let s = from(
            &[
                ("WARROOM_LISTEN", "  "),
                ("SLACK_API_URL", " http://127.0.0.1:9/api/ "),
                ("WARROOM_API_TOKEN", ""),
                ("PAGERDUTY_ROUTING_KEY", "rk"),
            ],
            false,
        )
        .unwrap();
        assert_eq!(s.listen.port(), 3000);
        assert_eq!(s.slack_api_url, "http://127.0.0.1:9/api");
        assert_eq!(s.api_token, None);
        assert_eq!(s.pagerduty_routing_key.as_deref(), Some("rk"));
        assert_eq!(s.pagerduty_events_url, DEFAULT_PAGERDUTY_URL);
        // A value that looks like a flag is still a value.
        let s = from(&[("SLACK_BOT_TOKEN", "--help")], false).unwrap();
        assert_eq!(s.bot_token, "--help");
    }
}

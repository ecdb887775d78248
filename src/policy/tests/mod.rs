//! Tests of the policy file: the built-in defaults, valid files, and every error a file can have.

use super::builtin::builtin_checklist;
use super::*;
use std::time::Duration;

mod errors;
mod valid;

const DOCUMENTED_EXAMPLE: &str = r#"announce_channel = "C0123ANNOUNCE"   # channel id; omit to announce nowhere
channel_prefix = "incident"
admins = ["U0ADMIN"]

[[severity]]
name = "P0"
label = "Critical"
description = "Complete outage, data loss or security breach"
update_every = "15m"
respond_within = "5m"
resolve_within = "1h"
escalate_after = "30m"
escalate_to = "S0SENIOR"          # user (U…) or user group (S…)
auto_invite = ["U0ONCALL"]
broadcast = true                  # mirror updates to the announcement thread
page = true                       # page on-call through PagerDuty when declared

[[role]]
key = "ic"
name = "Incident Commander"
duties = "Coordinate the response, decide, communicate with stakeholders"
"#;

/// The built-in policy written out as a file.
const BUILTIN_AS_TOML: &str = r#"
channel_prefix = "incident"

[[severity]]
name = "P0"
label = "Critical"
description = "Complete outage, data loss or security breach"
update_every = "15m"
respond_within = "5m"
resolve_within = "1h"
escalate_after = "30m"
broadcast = true
page = true

[[severity]]
name = "P1"
label = "High"
description = "Major functionality impaired or significant user impact"
update_every = "30m"
respond_within = "15m"
resolve_within = "4h"
escalate_after = "2h"
broadcast = true
page = true

[[severity]]
name = "P2"
label = "Medium"
description = "Partial functionality impaired or moderate user impact"
update_every = "2h"
respond_within = "1h"
resolve_within = "24h"

[[severity]]
name = "P3"
label = "Low"
description = "Minor issue with minimal user impact"
respond_within = "4h"
resolve_within = "7d"
"#;

fn parse(text: &str) -> Result<Policy, PolicyError> {
    Policy::from_toml_str(text, "policy.toml")
}

fn err(text: &str) -> String {
    match parse(text) {
        Ok(p) => panic!("expected an error, got {p:?}"),
        Err(e) => e.to_string(),
    }
}

fn secs(n: u64) -> Option<Duration> {
    Some(Duration::from_secs(n))
}

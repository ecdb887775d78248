//! Alerts of an incident's alert group (Alertmanager, Grafana): later firings go on the
//! timeline; the group resolving is said in the channel but never resolves the incident,
//! because an alert going quiet is not the same as the incident being over.

use super::{Builder, Ctx};
use crate::incident::effect::Notice;

/// One alert as the alerting system described it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FiredAlert {
    pub name: String,
    pub summary: String,
    /// When it started firing (epoch ms), as the alerting system says.
    pub started_at: Option<i64>,
}

pub(super) fn fired(b: &mut Builder, alerts: &[FiredAlert]) {
    for alert in alerts {
        let text = if alert.summary.is_empty() {
            format!("Alert firing: {}", alert.name)
        } else {
            format!("Alert firing: {} — {}", alert.name, alert.summary)
        };
        b.record("alert", text);
        if let (Some(started), Some(entry)) = (alert.started_at, b.timeline.last_mut()) {
            // The alert's own time, so the timeline reads in the order things happened.
            entry.at = started.min(b.now);
        }
    }
}

pub(super) fn group_resolved(b: &mut Builder, alerts: &[String], ctx: &Ctx) {
    b.record(
        "alert_resolved",
        format!("Alert group resolved: {}", alerts.join(", ")),
    );
    b.say(Notice::AlertGroupResolved {
        source: ctx.actor.to_string(),
        alerts: alerts.to_vec(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::decide::fixtures::*;
    use crate::incident::decide::{decide, Action};
    use crate::incident::effect::Effect;
    use crate::incident::model::Status;

    #[test]
    fn later_alerts_go_on_the_timeline_and_resolution_is_only_said() {
        let policy = policy();
        let inc = incident();
        let alert = |name: &str, summary: &str, started_at| FiredAlert {
            name: name.into(),
            summary: summary.into(),
            started_at,
        };
        let ctx_at = |actor| ctx(&policy, actor);

        let o = decide(
            &inc,
            &Action::AlertsFired {
                alerts: vec![
                    alert("HighLatency", "p99 > 2s", Some(NOW - 1_000)),
                    alert("Errors", "", None),
                ],
            },
            &ctx_at("alertmanager"),
        )
        .unwrap();
        let texts: Vec<(&str, &str, i64)> = o
            .timeline
            .iter()
            .map(|e| (e.kind.as_str(), e.text.as_str(), e.at))
            .collect();
        assert_eq!(
            texts,
            [
                ("alert", "Alert firing: HighLatency — p99 > 2s", NOW - 1_000),
                ("alert", "Alert firing: Errors", NOW)
            ]
        );
        assert!(o.effects.is_empty(), "{:?}", o.effects);

        let o = decide(
            &inc,
            &Action::AlertGroupResolved {
                alerts: vec!["HighLatency".into()],
            },
            &ctx_at("alertmanager"),
        )
        .unwrap();
        assert_eq!(o.incident.status, inc.status, "never resolves the incident");
        assert_eq!(o.timeline[0].kind, "alert_resolved");
        assert_eq!(
            o.effects,
            [Effect::Say {
                notice: Notice::AlertGroupResolved {
                    source: "alertmanager".into(),
                    alerts: vec!["HighLatency".into()]
                }
            }]
        );

        let mut closed = incident();
        closed.status = Status::Closed;
        assert!(decide(
            &closed,
            &Action::AlertGroupResolved { alerts: vec![] },
            &ctx_at("grafana")
        )
        .is_err());
    }
}

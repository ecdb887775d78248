//! Fault runs at CI size (the full size is `warroom-bench faults`): a flaky Slack, and a
//! server killed with SIGKILL mid-delivery — nothing lost, nothing doubled except in the
//! documented answer-before-commit window.

mod support;

use std::time::Duration;
use support::*;

both!(
    flaky_slack_delivers_everything_exactly_once,
    |b| async move {
        let db = fresh_database(b).await;
        let (wrong, _) =
            warroom_bench::faults::flaky_slack(Some(db), 12, Duration::from_millis(150))
                .await
                .unwrap();
        assert_eq!(
            wrong, 0,
            "incidents whose channel, card, announcement or update was not delivered exactly once"
        );
    }
);

both!(sigkill_mid_delivery_loses_nothing, |b| async move {
    warroom_bench::process::set_binary(env!("CARGO_BIN_EXE_warroom"));
    let db = fresh_database(b).await;
    let run = warroom_bench::faults::sigkill(Some(db), 8, 3)
        .await
        .unwrap();
    assert_eq!(run.kills, 3);
    assert_eq!(run.lost, 0, "effects lost across SIGKILL");
    // 8 incidents × 4 effects checked; a kill can repeat at most the call in flight.
    assert!(
        run.duplicates <= run.kills * 2,
        "{} duplicates for {} kills",
        run.duplicates,
        run.kills
    );
});

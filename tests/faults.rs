//! Fault runs at CI size (the full size is `warroom-bench faults`): a flaky Slack, and a
//! server killed with SIGKILL mid-delivery, and answers Slack loses after applying the call —
//! nothing lost, nothing doubled.

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
    // A kill between Slack's answer and our commit is retried: the retry finds its
    // tagged message (or the channel our bot made) and adopts it instead of repeating it.
    assert_eq!(
        run.duplicates, 0,
        "{} duplicates for {} kills",
        run.duplicates, run.kills
    );
});

both!(lost_answers_duplicate_nothing, |b| async move {
    let db = fresh_database(b).await;
    let run = warroom_bench::faults::lost_answers(Some(db), 6, 4)
        .await
        .unwrap();
    assert!(
        run.lost > 0,
        "the emulator lost no answers: the run proves nothing"
    );
    assert_eq!(run.missing, 0, "something was never delivered");
    assert_eq!(run.duplicate_channels, 0, "duplicate channels");
    assert_eq!(run.duplicate_messages, 0, "duplicate messages");
});

//! The console in a real browser: headless Chromium over WebDriver signs in through the
//! emulator's "Sign in with Slack", opens the list, filters it, opens an incident and the
//! report, and fails on any console error or failed request. Screenshots go to
//! `target/screenshots/`. Needs a running chromedriver: `scripts/browser-test.sh` starts one
//! and runs this (ignored by a plain `cargo test`).

mod support;

use std::path::PathBuf;
use support::*;
use thirtyfour::prelude::*;
use thirtyfour::{ChromiumLikeCapabilities, LoggingPrefsLogLevel};

async fn console_app() -> Harness {
    let mut h = Harness::start(Backend::Sqlite).await;
    h.extra_env = vec![
        ("SLACK_CLIENT_ID", "1234.5678".to_string()),
        ("SLACK_CLIENT_SECRET", "browser-client-secret".to_string()),
        (
            "WARROOM_SESSION_SECRET",
            "browser-test-session-secret-0123456789".to_string(),
        ),
    ];
    h.restart().await;
    h
}

/// Fails on anything the page logged at SEVERE: script errors, CSP violations, failed
/// requests (chromedriver reports those as `network` entries).
async fn assert_clean_console(driver: &WebDriver, step: &str) {
    let entries = driver.handle().browser_log().await.expect("browser log");
    let severe: Vec<String> = entries
        .iter()
        .filter(|e| e.level == "SEVERE")
        .map(|e| e.message.clone())
        .collect();
    assert!(severe.is_empty(), "{step}: console errors {severe:#?}");
}

async fn shot(driver: &WebDriver, name: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    driver
        .screenshot(&dir.join(format!("{name}.png")))
        .await
        .expect("screenshot");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromedriver: run scripts/browser-test.sh"]
async fn a_person_uses_the_console() {
    let h = console_app().await;
    let checkout = h.declare(ALICE, "P1 Checkout API returns 500s").await;
    h.command(BOB, &checkout, &format!("role ic <@{BOB}>"))
        .await;
    h.command(
        BOB,
        &checkout,
        "update Rolled back deploy 1234; error rate falling",
    )
    .await;
    h.command(
        ALICE,
        &checkout,
        "note <script>alert(1)</script> was in the logs",
    )
    .await;
    h.command(BOB, &checkout, "action Add a canary stage to the deploy")
        .await;
    h.command(BOB, &checkout, "resolve Bad deploy rolled back")
        .await;
    let search = h.declare(CAROL, "P3 Search results are slow").await;
    h.command(CAROL, &search, &format!("role ic <@{CAROL}>"))
        .await;
    h.declare(BOB, "P2 Webhooks delayed").await;

    let webdriver =
        std::env::var("WARROOM_WEBDRIVER").unwrap_or_else(|_| "http://127.0.0.1:9515".into());
    let mut caps = DesiredCapabilities::chrome();
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1400",
    ] {
        caps.add_arg(arg).unwrap();
    }
    if let Ok(bin) = std::env::var("CHROMIUM_BIN") {
        caps.set_binary(&bin).unwrap();
    }
    caps.set_browser_log_level(LoggingPrefsLogLevel::All)
        .unwrap();
    let driver = WebDriver::new(&webdriver, caps)
        .await
        .expect("chromedriver answers (scripts/browser-test.sh starts it)");

    let result = async {
        // Not signed in: `/` → /auth/login → the emulator's "Sign in to Slack" → pick alice.
        driver.goto(h.url("/")).await?;
        driver
            .find(By::Id(format!("as-{ALICE}")))
            .await?
            .click()
            .await?;
        let heading = heading_becomes(&driver, "Incidents").await;
        assert_eq!(heading, "Incidents");
        assert!(driver.source().await?.contains("Checkout API returns 500s"));
        assert_clean_console(&driver, "list").await;
        shot(&driver, "console-list").await;

        // Filter by severity.
        driver
            .find(By::Css("select[name=severity] option[value=P1]"))
            .await?
            .click()
            .await?;
        driver
            .find(By::Css("form.filters button"))
            .await?
            .click()
            .await?;
        // The submit's navigation may still be under way: wait for the filtered page.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        let mut url = driver.current_url().await?;
        while !url.as_str().contains("severity=P1") && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            url = driver.current_url().await?;
        }
        assert!(url.as_str().contains("severity=P1"), "{url}");
        heading_becomes(&driver, "Incidents").await;
        let rows = driver.find_all(By::Css("table.incidents tbody tr")).await?;
        assert_eq!(rows.len(), 1);
        assert_clean_console(&driver, "filtered list").await;
        shot(&driver, "console-list-filtered").await;

        // Open the incident.
        driver
            .find(By::Css("table.incidents tbody a[href^='/incidents/']"))
            .await?
            .click()
            .await?;
        let title = driver.find(By::Tag("h1")).await?.text().await?;
        assert_eq!(title, "Checkout API returns 500s");
        let page = driver.source().await?;
        assert!(page.contains("Add a canary stage"));
        // The note's markup is text on the page, not an element.
        let timeline = driver.find(By::Css("table.timeline")).await?.text().await?;
        assert!(timeline.contains("<script>alert(1)</script>"), "{timeline}");
        assert!(driver.find_all(By::Tag("script")).await?.is_empty());
        assert_clean_console(&driver, "incident").await;
        shot(&driver, "console-incident").await;

        // The report.
        driver.find(By::LinkText("Reports")).await?.click().await?;
        let charts = driver.find_all(By::Css(".chart svg")).await?;
        assert_eq!(charts.len(), 4);
        assert_clean_console(&driver, "report").await;
        shot(&driver, "console-report").await;

        // Sign out.
        driver
            .find(By::Css("form.logout button"))
            .await?
            .click()
            .await?;
        let heading = heading_becomes(&driver, "Signed out").await;
        assert_eq!(heading, "Signed out");
        assert_clean_console(&driver, "signed out").await;
        WebDriverResult::Ok(())
    }
    .await;
    driver.quit().await.ok();
    h.finish().await;
    result.expect("browser steps");
}

/// The page's heading once it reads `want`: a click's navigation may still be under way,
/// and an element of the page being left goes stale.
async fn heading_becomes(driver: &WebDriver, want: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let text = match driver.find(By::Tag("h1")).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text == want || std::time::Instant::now() > deadline {
            return text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

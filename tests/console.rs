//! The web console as a person uses it: sign in with Slack through the emulator's OpenID
//! endpoints, every page, every refusal, hostile text, and private incidents that must not
//! leak through a page, a count, a search or the CSV. Each test runs on both backends.

mod support;

use std::collections::HashMap;
use support::*;

const CLIENT_ID: &str = "1234.5678";
const CLIENT_SECRET: &str = "console-client-secret";
const SESSION_SECRET: &str = "0123456789abcdef0123456789abcdef-console";

/// The harness with the console turned on.
async fn console(b: Backend) -> Harness {
    let mut h = Harness::start(b).await;
    h.extra_env = vec![
        ("SLACK_CLIENT_ID", CLIENT_ID.to_string()),
        ("SLACK_CLIENT_SECRET", CLIENT_SECRET.to_string()),
        ("WARROOM_SESSION_SECRET", SESSION_SECRET.to_string()),
    ];
    h.restart().await;
    h
}

/// A minimal browser: a cookie jar (everything is on 127.0.0.1) and manual redirects, so
/// each hop can be inspected.
struct Browser {
    http: reqwest::Client,
    cookies: HashMap<String, String>,
}

struct Page {
    status: u16,
    location: Option<String>,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Browser {
    fn new() -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: HashMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn take(&mut self, res: reqwest::Response) -> Page {
        for c in res.headers().get_all("set-cookie") {
            let c = c.to_str().unwrap();
            let (pair, attrs) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = pair.split_once('=').unwrap();
            if v.is_empty() || attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        Page {
            status: res.status().as_u16(),
            location: res
                .headers()
                .get("location")
                .map(|l| l.to_str().unwrap().to_string()),
            headers: res.headers().clone(),
            body: res.text().await.unwrap(),
        }
    }

    async fn get(&mut self, url: &str) -> Page {
        let res = self
            .http
            .get(url)
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.take(res).await
    }

    async fn post_form(&mut self, url: &str, form: &[(&str, &str)]) -> Page {
        let res = self
            .http
            .post(url)
            .header("cookie", self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        self.take(res).await
    }

    /// `/auth/login` → Slack's authorize URL (as `user`, of `team`) → the callback.
    /// Returns the callback's answer.
    async fn sign_in(&mut self, h: &Harness, user: &str, team: Option<&str>) -> Page {
        let login = self.get(&h.url("/auth/login")).await;
        assert_eq!(login.status, 303, "{}", login.body);
        let authorize = login.location.unwrap();
        let origin = h.slack.api_url().trim_end_matches("/api").to_string();
        assert!(
            authorize.starts_with(&format!("{origin}/openid/connect/authorize?")),
            "{authorize}"
        );
        for part in [
            "scope=openid+profile",
            "state=",
            "nonce=",
            "response_type=code",
        ] {
            assert!(authorize.contains(part), "{part} in {authorize}");
        }
        let mut url = format!("{authorize}&user={user}");
        if let Some(team) = team {
            url.push_str(&format!("&team={team}"));
        }
        let slack = self.get(&url).await;
        assert_eq!(slack.status, 303, "{}", slack.body);
        let callback = slack.location.unwrap();
        assert!(
            callback.starts_with(&h.url("/auth/callback?code=")),
            "{callback}"
        );
        self.get(&callback).await
    }

    /// Signs in and checks it worked.
    async fn signed_in(h: &Harness, user: &str) -> Browser {
        let mut b = Browser::new();
        let done = b.sign_in(h, user, None).await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(done.location.as_deref(), Some("/"));
        assert!(b.cookies.contains_key("warroom_session"));
        b
    }
}

fn assert_hardened(p: &Page) {
    let csp = p.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(!csp.contains("script-src"), "{csp}");
    assert_eq!(p.headers["x-content-type-options"], "nosniff");
    assert!(p.headers.contains_key("referrer-policy"));
}

/// Nothing a person typed becomes markup: no script or image element, no event handler
/// or `javascript:` URL inside any tag. (Escaped text may still read "onerror=".)
fn assert_inert(body: &str) {
    let lower = body.to_lowercase();
    for tag in lower.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or("");
        for bad in ["script", "img", "b "] {
            assert!(!tag.starts_with(bad), "<{tag}> in page:\n{body}");
        }
        for bad in ["onerror", "onmouseover", "javascript:"] {
            assert!(!tag.contains(bad), "<{tag}> in page:\n{body}");
        }
    }
}

both!(off_without_a_client_id, |b| async move {
    let h = Harness::start(b).await;
    let mut browser = Browser::new();
    let home = browser.get(&h.url("/")).await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("The console is off"), "{}", home.body);
    for var in [
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "WARROOM_PUBLIC_URL",
        "WARROOM_SESSION_SECRET",
    ] {
        assert!(home.body.contains(var), "{var}");
    }
    assert_hardened(&home);
    for path in [
        "/reports",
        "/incidents/INC-1",
        "/auth/login",
        "/auth/callback?code=x&state=y",
    ] {
        assert_eq!(browser.get(&h.url(path)).await.status, 404, "{path}");
    }
    assert_eq!(browser.get(&h.url("/assets/console.css")).await.status, 200);
    h.finish().await;
});

both!(every_page_signed_in, |b| async move {
    let h = console(b).await;
    // Signed out: every page sends the visitor to sign in.
    let mut anon = Browser::new();
    for path in [
        "/",
        "/reports",
        "/incidents/INC-2026-01-01-001",
        "/reports?format=csv",
    ] {
        let p = anon.get(&h.url(path)).await;
        assert_eq!(p.status, 303, "{path}");
        assert_eq!(p.location.as_deref(), Some("/auth/login"), "{path}");
    }
    let channel = h.declare(ALICE, "P1 Checkout API returns 500s").await;
    assert_eq!(
        h.command(BOB, &channel, &format!("role ic <@{BOB}>"))
            .await
            .status,
        200
    );
    assert_eq!(
        h.command(BOB, &channel, "update Rolled back the deploy")
            .await
            .status,
        200
    );
    assert_eq!(
        h.command(BOB, &channel, "action Add a canary stage")
            .await
            .status,
        200
    );
    h.declare(CAROL, "P3 Slow search").await;
    // The post-mortem canvas: the incident page links it once it exists.
    assert_eq!(h.command(BOB, &channel, "postmortem").await.status, 200);
    h.eventually("the post-mortem canvas", |s| {
        s.canvas_of(&channel).is_some()
    })
    .await;
    h.eventually("the card links the canvas", |_| {
        h.card(&channel).blocks.to_string().contains("canvas")
    })
    .await;

    let mut browser = Browser::signed_in(&h, ALICE).await;
    let list = browser.get(&h.url("/")).await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_hardened(&list);
    assert!(list.body.contains("Checkout API returns 500s"));
    assert!(list.body.contains("Slow search"));
    assert!(list.body.contains("2 incidents"), "{}", list.body);
    // The IC by name, and the channel in Slack.
    assert!(list.body.contains("<td>bob</td>"), "{}", list.body);
    assert!(
        list.body
            .contains(&format!("https://app.slack.com/client/T0001/{channel}")),
        "{}",
        list.body
    );
    assert!(list.body.contains("alice"), "signed-in name shown");
    assert!(list.body.len() < 100 * 1024);

    // Filters: severity, title search, status, dates.
    let p1 = browser.get(&h.url("/?severity=P1")).await;
    assert!(p1.body.contains("Checkout") && !p1.body.contains("Slow search"));
    let q = browser.get(&h.url("/?q=SEARCH")).await;
    assert!(q.body.contains("Slow search") && !q.body.contains("Checkout"));
    let resolved = browser.get(&h.url("/?status=resolved")).await;
    assert!(resolved.body.contains("0 incidents"), "{}", resolved.body);
    let future = browser.get(&h.url("/?from=2999-01-01")).await;
    assert!(future.body.contains("0 incidents"));
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let both_today = browser
        .get(&h.url(&format!("/?from={today}&to={today}")))
        .await;
    assert!(
        both_today.body.contains("2 incidents"),
        "{}",
        both_today.body
    );
    for bad in ["/?from=yesterday", "/?status=sleeping", "/?page=0"] {
        assert_eq!(browser.get(&h.url(bad)).await.status, 400, "{bad}");
    }

    // The incident page: card, roles with names, timeline, updates, action items, post-mortem.
    let id = list
        .body
        .split("href=\"/incidents/")
        .find(|s| s.contains("Checkout"))
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let page = browser.get(&h.url(&format!("/incidents/{id}"))).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_hardened(&page);
    let body = &page.body;
    for needle in [
        "Checkout API returns 500s",
        "Incident Commander</dt><dd>bob",
        "Rolled back the deploy",
        "Add a canary stage",
        "Post-mortem draft",
        "Declared",
        "Acknowledged",
        "Post-mortem canvas",
    ] {
        assert!(body.contains(needle), "{needle} in\n{body}");
    }
    assert_eq!(
        browser
            .get(&h.url("/incidents/INC-1999-01-01-001"))
            .await
            .status,
        404
    );

    // The report, its charts and its CSV.
    let report = browser.get(&h.url("/reports")).await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert_hardened(&report);
    assert!(report.body.contains("last 12 months"));
    assert_eq!(report.body.matches("<svg").count(), 4, "four charts");
    assert!(report.body.contains("2 incidents"), "{}", report.body);
    assert!(report.body.len() < 100 * 1024);
    let csv = browser.get(&h.url("/reports?months=3&format=csv")).await;
    assert_eq!(csv.status, 200);
    assert!(csv.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(csv.body.starts_with("section,key,severity,metric,value\n"));
    assert!(csv.body.contains("window,,,incidents,2\n"), "{}", csv.body);
    assert!(csv.body.contains(",P1,count,1\n"), "{}", csv.body);
    assert_eq!(browser.get(&h.url("/reports?months=99")).await.status, 400);
    // The figures agree with /api/stats (the same function computes both).
    let stats = h.api("/api/stats?window=90d").await.json();
    assert_eq!(stats["total"], 2);

    // Sign out needs the CSRF token from the page.
    let csrf = list
        .body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let forged = browser
        .post_form(&h.url("/auth/logout"), &[("csrf", "not-the-token")])
        .await;
    assert_eq!(forged.status, 403);
    assert!(
        browser.get(&h.url("/")).await.status == 200,
        "still signed in"
    );
    let out = browser
        .post_form(&h.url("/auth/logout"), &[("csrf", &csrf)])
        .await;
    assert_eq!(out.status, 200);
    assert!(!browser.cookies.contains_key("warroom_session"));
    assert_eq!(browser.get(&h.url("/")).await.status, 303);
    h.finish().await;
});

both!(hostile_text_stays_text, |b| async move {
    let h = console(b).await;
    let title = "P2 <script>alert(1)</script> \"><img src=x onerror=alert(2)>";
    let channel = h.declare(ALICE, title).await;
    for note in [
        "note [click me](javascript:alert(3)) <script>alert(4)</script>",
        "note \"><img src=x onerror=alert(5)> javascript:alert(6)",
    ] {
        assert_eq!(h.command(ALICE, &channel, note).await.status, 200);
    }
    assert_eq!(
        h.command(ALICE, &channel, "update <b onmouseover=alert(7)>bold</b>")
            .await
            .status,
        200
    );
    assert_eq!(
        h.command(ALICE, &channel, "action [x](javascript:alert(8)) <script>")
            .await
            .status,
        200
    );
    let mut browser = Browser::signed_in(&h, ALICE).await;
    let list = browser.get(&h.url("/?q=script")).await;
    assert!(
        list.body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{}",
        list.body
    );
    assert_inert(&list.body);
    let id = list
        .body
        .split("href=\"/incidents/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let page = browser.get(&h.url(&format!("/incidents/{id}"))).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("click me"), "{}", page.body);
    assert_inert(&page.body);
    let report = browser.get(&h.url("/reports")).await;
    assert_inert(&report.body);
    // No secret ever reaches a page.
    for p in [&list.body, &page.body, &report.body] {
        for secret in [CLIENT_SECRET, SESSION_SECRET, BOT_TOKEN, SECRET] {
            assert!(!p.contains(secret));
        }
    }
    h.finish().await;
});

both!(sign_in_refusals, |b| async move {
    let h = console(b).await;
    // A forged state: the callback does not match what this browser was sent with.
    let mut browser = Browser::new();
    let login = browser.get(&h.url("/auth/login")).await;
    let authorize = login.location.unwrap();
    let to_callback = browser.get(&format!("{authorize}&user={ALICE}")).await;
    let callback = to_callback.location.unwrap();
    let state = callback.split("state=").nth(1).unwrap().to_string();
    let forged = callback.replace(&state, "forged-state");
    let refused = browser.get(&forged).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_hardened(&refused);
    assert!(!browser.cookies.contains_key("warroom_session"));
    // The genuine callback after the refusal still fails: the sign-in state is gone.
    assert_eq!(browser.get(&callback).await.status, 400);

    // A callback without the sign-in cookie (another browser, or a replayed link).
    let mut other = Browser::new();
    let login = Browser::new().get(&h.url("/auth/login")).await;
    let to_callback = other
        .get(&format!("{}&user={ALICE}", login.location.unwrap()))
        .await;
    assert_eq!(other.get(&to_callback.location.unwrap()).await.status, 400);
    assert!(!other.cookies.contains_key("warroom_session"));

    // A user of another workspace.
    let mut outsider = Browser::new();
    let done = outsider.sign_in(&h, ALICE, Some("T0OTHER")).await;
    assert_eq!(done.status, 403, "{}", done.body);
    assert!(done.body.contains("Only members of this workspace"));
    assert!(!outsider.cookies.contains_key("warroom_session"));

    // Slack refusing the sign-in (the visitor pressed Cancel).
    let mut cancel = Browser::new();
    let login = cancel.get(&h.url("/auth/login")).await;
    let state = login
        .location
        .unwrap()
        .split("state=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let p = cancel
        .get(&h.url(&format!("/auth/callback?error=access_denied&state={state}")))
        .await;
    assert_eq!(p.status, 502);
    assert!(!cancel.cookies.contains_key("warroom_session"));

    // A tampered session cookie is no session.
    let mut b2 = Browser::signed_in(&h, ALICE).await;
    let cookie = b2.cookies["warroom_session"].clone();
    let (body, tag) = cookie.split_once('.').unwrap();
    let mut tampered = body.to_string();
    tampered.replace_range(0..1, if body.starts_with('e') { "f" } else { "e" });
    b2.cookies
        .insert("warroom_session".into(), format!("{tampered}.{tag}"));
    assert_eq!(b2.get(&h.url("/")).await.status, 303);
    // Session cookie attributes.
    let mut b3 = Browser::new();
    let login = b3.get(&h.url("/auth/login")).await;
    let set = login.headers["set-cookie"].to_str().unwrap().to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "plain http public URL: {set}");
    h.finish().await;
});

both!(private_incidents_stay_private, |b| async move {
    let h = console(b).await;
    let channel = h.declare(ALICE, "--private P1 Payroll export leaked").await;
    h.declare(ALICE, "P2 Public outage").await;
    h.eventually("the private channel is recorded", |s| {
        s.channel(&channel).is_some()
    })
    .await;
    // Carol is not in the private channel; alice (who declared it) is; admin is an admin.
    let mut carol = Browser::signed_in(&h, CAROL).await;
    let list = carol.get(&h.url("/")).await;
    assert!(!list.body.contains("Payroll"), "{}", list.body);
    assert!(list.body.contains("1 incident<"), "{}", list.body);
    let search = carol.get(&h.url("/?q=payroll")).await;
    assert!(search.body.contains("0 incidents"));
    let csv = carol.get(&h.url("/reports?format=csv")).await;
    assert!(csv.body.contains("window,,,incidents,1\n"), "{}", csv.body);
    let report = carol.get(&h.url("/reports")).await;
    assert!(report.body.contains("1 incidents"), "{}", report.body);

    let mut alice = Browser::signed_in(&h, ALICE).await;
    let list = alice.get(&h.url("/")).await;
    assert!(list.body.contains("Payroll"), "{}", list.body);
    let id = list
        .body
        .split("href=\"/incidents/")
        .find(|s| s.contains("Payroll"))
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    assert_eq!(
        alice.get(&h.url(&format!("/incidents/{id}"))).await.status,
        200
    );
    let csv = alice.get(&h.url("/reports?format=csv")).await;
    assert!(csv.body.contains("window,,,incidents,2\n"), "{}", csv.body);

    let opened = carol.get(&h.url(&format!("/incidents/{id}"))).await;
    assert_eq!(opened.status, 404);
    assert!(!opened.body.contains("Payroll"));

    let mut admin = Browser::signed_in(&h, ADMIN).await;
    assert_eq!(
        admin.get(&h.url(&format!("/incidents/{id}"))).await.status,
        200
    );
    h.finish().await;
});

impl Browser {
    /// Follows redirects (relative ones against the current origin) like a browser does.
    async fn follow(&mut self, url: &str) -> Page {
        let mut url = url.to_string();
        for _ in 0..10 {
            let page = self.get(&url).await;
            let Some(next) = page.location.clone() else {
                return page;
            };
            url = if next.starts_with('/') {
                let origin =
                    url[..url[8..].find('/').map(|i| i + 8).unwrap_or(url.len())].to_string();
                format!("{origin}{next}")
            } else {
                next
            };
        }
        panic!("too many redirects from {url}");
    }
}

/// `warroom demo --console`: the transcript, then a link that arrives signed in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_console_signs_the_visitor_in() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(["demo", "--console"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    // Read on a thread: the link is the line after "Open this link".
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        while let Some(Ok(line)) = lines.next() {
            if line.trim_start().starts_with("http://")
                && line.contains("/openid/emulator/sign-in?")
            {
                let _ = tx.send(line.trim().to_string());
                return;
            }
        }
    });
    let link = rx
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("demo --console prints a sign-in link");
    let mut browser = Browser::new();
    let list = browser.follow(&link).await;
    let pid = child.id().to_string();
    let _ = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status();
    let stopped = child.wait().unwrap();
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(
        list.body.contains("Checkout API returns 500s"),
        "{}",
        list.body
    );
    assert!(list.body.contains("class=\"who\">alice<"), "{}", list.body);
    assert!(
        stopped.success(),
        "Ctrl-C ends the demo cleanly: {stopped:?}"
    );
}

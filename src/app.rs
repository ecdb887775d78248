//! Builds and runs the whole service — HTTP server, delivery worker, scheduler — so
//! that `main`, the demo and the tests all start the real thing.

use crate::clock::Clock;
use crate::delivery::pause::DeliveryPause;
use crate::delivery::Outbox;
use crate::http::{router, AppState};
use crate::metrics::Metrics;
use crate::policy::Policy;
use crate::scheduler::Scheduler;
use crate::service::Service;
use crate::settings::Settings;
use crate::slack::client::{MorphismApi, SharedApi};
use crate::slack::verify::Verifier;
use crate::store::Store;
use anyhow::Context;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

/// Concurrent delivery tasks: different incidents are delivered in parallel.
pub const OUTBOX_WORKERS: usize = 16;
/// How long one Slack Web API call may take before it counts as a timeout.
pub const SLACK_CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything `start` needs beyond the environment.
pub struct Options {
    pub settings: Settings,
    pub policy: Policy,
    pub clock: Clock,
    /// Run the scheduler (reminders, targets, escalation).
    pub scheduler: bool,
    /// How long a delivery or scheduler claim is held before another replica may take it.
    pub lease: Duration,
}

/// Default claim lease: longer than any single delivery (3 calls × 10 s timeout).
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

pub struct RunningApp {
    pub addr: SocketAddr,
    pub service: Service,
    stop: watch::Sender<bool>,
    server: JoinHandle<()>,
    workers: Vec<JoinHandle<()>>,
}

pub async fn start(opts: Options) -> anyhow::Result<RunningApp> {
    let settings = &opts.settings;
    let store = Store::connect(&settings.database_url)
        .await?
        .with_severity_order(opts.policy.severities.iter().map(|s| s.name.clone()));
    store.migrate().await?;
    store.release_stale_leases().await?;
    let api: SharedApi = Arc::new(
        MorphismApi::new(
            &settings.slack_api_url,
            &settings.bot_token,
            SLACK_CALL_TIMEOUT,
        )
        .context("building the Slack client")?,
    );
    let service = Service {
        store,
        policy: Arc::new(opts.policy),
        clock: opts.clock.clone(),
        api,
        metrics: Arc::new(Metrics::default()),
        outbox_wake: Arc::new(Notify::new()),
        scheduler_wake: Arc::new(Notify::new()),
        integrations: Arc::new(crate::integrations::Integrations::from_settings(settings)),
        open: Arc::default(),
        people: Arc::default(),
        pause: Arc::new(DeliveryPause::new(opts.lease)),
    };
    let state = AppState {
        service: service.clone(),
        verifier: Verifier::new(&settings.signing_secrets, opts.clock.clone()),
        api_token: settings.api_token.clone(),
        alerts_secret: settings.alerts_secret.clone(),
    };
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let addr = listener.local_addr()?;
    let (stop, stop_rx) = watch::channel(false);

    let mut server_stop = stop_rx.clone();
    // The web console (off, saying how to turn it on, without SLACK_CLIENT_ID).
    let console = crate::console::Console::new(
        service.clone(),
        settings.console.as_ref(),
        &settings.slack_api_url,
        addr,
        crate::outbound::HttpClient::new().context("building the HTTP client")?,
    );
    let app = router(state.clone()).merge(crate::console::routes(console));
    let server = tokio::spawn(async move {
        let shutdown = async move {
            let _ = server_stop.wait_for(|s| *s).await;
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "HTTP server failed");
        }
    });

    let outbox = Outbox {
        store: service.store.clone(),
        api: service.api.clone(),
        policy: service.policy.clone(),
        clock: service.clock.clone(),
        metrics: service.metrics.clone(),
        wake: service.outbox_wake.clone(),
        lease: opts.lease,
        integrations: service.integrations.clone(),
        http: crate::outbound::HttpClient::new().context("building the HTTP client")?,
        open: service.open.clone(),
        identity: Default::default(),
        pacer: std::sync::Arc::new(crate::delivery::pace::Pacer::for_store(&service.store)),
        pause: service.pause.clone(),
        people: service.people.clone(),
    };
    let mut workers = vec![
        tokio::spawn(outbox.run(OUTBOX_WORKERS, stop_rx.clone())),
        tokio::spawn(
            service
                .people
                .clone()
                .run(service.api.clone(), stop_rx.clone()),
        ),
    ];
    if opts.scheduler {
        let scheduler = Scheduler {
            service: service.clone(),
            lease: opts.lease,
            digest_seen: Default::default(),
        };
        workers.push(tokio::spawn(scheduler.run(stop_rx.clone())));
    }
    if let Some(app_token) = &settings.app_token {
        let socket = crate::socket_mode::SocketMode::new(&settings.slack_api_url, app_token, state)
            .context("building the Socket Mode client")?;
        workers.push(tokio::spawn(socket.run(stop_rx.clone())));
    }
    tracing::info!(%addr, backend = ?service.store.backend(), "warroom is listening");
    Ok(RunningApp {
        addr,
        service,
        stop,
        server,
        workers,
    })
}

impl RunningApp {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Graceful stop: no new connections, in-flight requests and deliveries finish,
    /// no new work is claimed.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.server.await;
        for w in self.workers {
            let _ = w.await;
        }
        self.service.store.close().await;
    }

    /// Stops everything at once, mid-flight, like a crash (tests of "nothing lost").
    pub async fn abort(self) {
        self.server.abort();
        for w in &self.workers {
            w.abort();
        }
        let _ = self.server.await;
        for w in self.workers {
            let _ = w.await;
        }
        self.service.store.close().await;
    }
}

//! A short-lived snapshot of the open incidents, so `/incident list` — the hottest read —
//! is answered without a database round trip. Local commits invalidate it at once;
//! changes made by other replicas show up within [`MAX_AGE`].

use crate::incident::model::Incident;
use crate::store::{Store, StoreResult};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How stale the list may be with respect to other replicas' changes.
pub const MAX_AGE: Duration = Duration::from_millis(1000);

struct Snapshot {
    taken: Instant,
    generation: u64,
    incidents: Arc<Vec<Incident>>,
}

#[derive(Default)]
pub struct OpenIncidents {
    snapshot: RwLock<Option<Snapshot>>,
    /// Bumped by every local commit; a snapshot of an older generation is stale.
    generation: AtomicU64,
    /// One refresh at a time: concurrent readers of a stale snapshot wait for it.
    refresh: tokio::sync::Mutex<()>,
}

impl OpenIncidents {
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn fresh(&self) -> Option<Arc<Vec<Incident>>> {
        let generation = self.generation.load(Ordering::SeqCst);
        let guard = self.snapshot.read().unwrap_or_else(|e| e.into_inner());
        guard
            .as_ref()
            .filter(|s| s.generation == generation && s.taken.elapsed() < MAX_AGE)
            .map(|s| s.incidents.clone())
    }

    pub async fn get(&self, store: &Store) -> StoreResult<Arc<Vec<Incident>>> {
        if let Some(hit) = self.fresh() {
            return Ok(hit);
        }
        let _one = self.refresh.lock().await;
        if let Some(hit) = self.fresh() {
            return Ok(hit);
        }
        // Read the generation before loading: a commit during the load leaves the
        // snapshot marked stale rather than hiding the change.
        let generation = self.generation.load(Ordering::SeqCst);
        let incidents = Arc::new(store.open_incidents().await?);
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Some(Snapshot {
            taken: Instant::now(),
            generation,
            incidents: incidents.clone(),
        });
        Ok(incidents)
    }
}

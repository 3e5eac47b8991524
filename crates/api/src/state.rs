//! The state every handler shares: the store, and whether start-up work has finished.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use store::Store;

/// What every handler can reach. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    ready: Arc<AtomicBool>,
}

impl AppState {
    pub fn new(store: Store) -> AppState {
        AppState {
            store,
            ready: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Marks start-up work (migrations, reference data, matches) as finished.
    pub fn mark_ready(&self) {
        self.ready.store(true, Ordering::Release);
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }
}

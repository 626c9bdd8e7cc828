//! Keeps the outbox and the replica in the phone's storage and syncs them with the server: when
//! the app starts, when the network comes back, every minute while online, on "sync now" and
//! right after a new record. Failures back off; a record the server refuses waits for the user.

use super::outbox::{Outbox, Settled, BATCH};
use super::photos::{self, Upload};
use super::replica::Replica;
use crate::api::client;
use crate::api::error::{ApiError, ErrorCode};
use crate::api::operations::Operation;
use crate::api::views::Me;
use crate::device;
use crate::domain::time::Timestamp;
use leptos::prelude::*;
use uuid::Uuid;

const ME_KEY: &str = "roadchief.me";
/// Told by `public/pwa.js` when a new service worker waits; answered to make it take over.
#[cfg(feature = "hydrate")]
const UPDATE_READY_EVENT: &str = "roadchief-update-ready";
#[cfg(feature = "hydrate")]
const UPDATE_READY_FLAG: &str = "roadchiefUpdateReady";
const APPLY_UPDATE_EVENT: &str = "roadchief-apply-update";
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const PERIOD_MS: u64 = 60_000;
const BACKOFF_MAX_MS: u64 = 5 * 60_000;

fn outbox_key(user: &str) -> String {
    format!("roadchief.{user}.outbox")
}

fn replica_key(user: &str) -> String {
    format!("roadchief.{user}.replica")
}

/// The user last signed in on this phone, as stored (for opening the app offline).
pub fn stored_me() -> Option<Me> {
    device::load(ME_KEY)
}

/// The replica of the user last signed in, read from storage now.
pub fn stored_replica() -> Option<Replica> {
    stored_me().and_then(|me| device::load(&replica_key(&me.id)))
}

fn read_findings_key(user: &str) -> String {
    format!("roadchief.{user}.read-findings")
}

/// Keeps a finding page the user has read, for reading it again offline.
pub fn keep_detail(detail: &crate::api::views::FindingDetail) {
    if let Some(me) = stored_me() {
        let key = read_findings_key(&me.id);
        let mut read: super::replica::ReadFindings = device::load(&key).unwrap_or_default();
        read.keep(detail.clone());
        device::save(&key, &read);
    }
}

/// A finding page read earlier on this phone, brought up to date with the last sync.
pub fn stored_detail(id: Uuid) -> Option<crate::api::views::FindingDetail> {
    let me = stored_me()?;
    let read: super::replica::ReadFindings = device::load(&read_findings_key(&me.id))?;
    read.detail(id, stored_replica().as_ref())
}

#[derive(Clone, Copy)]
pub struct SyncEngine {
    pub online: RwSignal<bool>,
    pub outbox: RwSignal<Outbox>,
    pub last_sync: RwSignal<Option<Timestamp>>,
    /// The session ended (e.g. expired while offline): records wait until the user signs in.
    pub needs_sign_in: RwSignal<bool>,
    pub busy: RwSignal<bool>,
    /// The browser refused to store (full or disabled): say so, never pretend it was saved.
    pub storage_failed: RwSignal<bool>,
    pub storage_low: RwSignal<bool>,
    /// Stored records this version could not read were kept aside (`device::keep_aside`).
    pub unreadable: RwSignal<bool>,
    /// Bumped when the server's state for this user changed: screens reload what they show.
    pub changed: RwSignal<u32>,
    /// A signed-in user's outbox is loaded: the status bar has something to say.
    pub active: RwSignal<bool>,
    /// A new version of the app is installed and waits for a reload (see `public/pwa.js`).
    pub update_ready: RwSignal<bool>,
    user: StoredValue<Option<String>>,
    failures: StoredValue<u32>,
    #[cfg(feature = "hydrate")]
    timer: StoredValue<Option<leptos::leptos_dom::helpers::TimeoutHandle>>,
}

pub fn use_sync() -> SyncEngine {
    expect_context::<SyncEngine>()
}

impl SyncEngine {
    pub fn provide() -> SyncEngine {
        let engine = SyncEngine {
            online: RwSignal::new(true),
            outbox: RwSignal::new(Outbox::default()),
            last_sync: RwSignal::new(None),
            needs_sign_in: RwSignal::new(false),
            busy: RwSignal::new(false),
            storage_failed: RwSignal::new(false),
            storage_low: RwSignal::new(false),
            unreadable: RwSignal::new(false),
            changed: RwSignal::new(0),
            active: RwSignal::new(false),
            update_ready: RwSignal::new(false),
            user: StoredValue::new(None),
            failures: StoredValue::new(0),
            #[cfg(feature = "hydrate")]
            timer: StoredValue::new(None),
        };
        provide_context(engine);
        engine
    }

    /// Starts syncing for the signed-in user: their outbox and copy come from storage, the
    /// browser is asked to keep them, and the first sync goes out.
    pub fn attach(self, me: &Me) {
        if self.user.with_value(|u| u.as_deref() == Some(me.id.as_str())) {
            return;
        }
        self.user.set_value(Some(me.id.clone()));
        device::save(ME_KEY, me);
        let key = outbox_key(&me.id);
        let outbox = device::load(&key).unwrap_or_else(|| {
            // Records an older or newer version wrote in a form this one cannot read are kept,
            // never overwritten.
            if device::keep_aside(&key) {
                self.unreadable.set(true);
            }
            Outbox::default()
        });
        self.outbox.set(outbox);
        self.last_sync.set(device::load::<Replica>(&replica_key(&me.id)).and_then(|r| r.last_sync));
        self.active.set(true);
        #[cfg(feature = "hydrate")]
        {
            use leptos::leptos_dom::helpers::window_event_listener_untyped;
            self.online.set(web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true));
            // The listeners live as long as the page.
            std::mem::forget(window_event_listener_untyped("online", move |_| {
                self.online.set(true);
                self.schedule(0);
            }));
            std::mem::forget(window_event_listener_untyped("offline", move |_| self.online.set(false)));
            std::mem::forget(window_event_listener_untyped(UPDATE_READY_EVENT, move |_| self.update_ready.set(true)));
            if web_sys::window()
                .and_then(|w| js_sys::Reflect::get(&w, &UPDATE_READY_FLAG.into()).ok())
                .is_some_and(|v| v.is_truthy())
            {
                self.update_ready.set(true);
            }
            leptos::task::spawn_local(async move {
                photos::persist_storage().await;
                self.storage_low.set(photos::storage_nearly_full().await);
            });
        }
        self.schedule(0);
    }

    /// Keeps a change on the phone and queues it for the server. Returns its operation id.
    pub fn record(self, op: Operation) -> Uuid {
        let id = client::new_id();
        self.outbox.update(|o| o.push(id, &op, device::now()));
        self.save_outbox();
        self.schedule(0);
        id
    }

    /// Drops a record (and its photos) on the user's say-so.
    pub fn discard(self, id: Uuid) {
        let mut dropped = Vec::new();
        self.outbox.update(|o| dropped = o.discard(id));
        self.save_outbox();
        leptos::task::spawn_local(async move {
            for hash in dropped {
                photos::forget(&hash).await;
            }
        });
    }

    /// Lets the waiting new version take over; the page reloads when it has.
    pub fn apply_update(self) {
        #[cfg(feature = "hydrate")]
        if let (Some(w), Ok(event)) = (web_sys::window(), web_sys::Event::new(APPLY_UPDATE_EVENT)) {
            let _ = w.dispatch_event(&event);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = APPLY_UPDATE_EVENT;
    }

    pub fn sync_now(self) {
        self.failures.set_value(0);
        self.schedule(0);
    }

    fn save_outbox(self) {
        if let Some(user) = self.user.get_value() {
            let saved = self.outbox.with_untracked(|o| device::save(&outbox_key(&user), o));
            self.storage_failed.set(!saved);
        }
    }

    /// Runs a sync after `delay_ms`, replacing any sync already planned.
    fn schedule(self, delay_ms: u64) {
        #[cfg(feature = "hydrate")]
        {
            use leptos::leptos_dom::helpers::set_timeout_with_handle;
            if let Some(timer) = self.timer.get_value() {
                timer.clear();
            }
            let handle = set_timeout_with_handle(
                move || leptos::task::spawn_local(self.run()),
                std::time::Duration::from_millis(delay_ms),
            );
            self.timer.set_value(handle.ok());
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = delay_ms;
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    async fn run(self) {
        if self.busy.get_untracked() || self.user.get_value().is_none() {
            return;
        }
        self.busy.set(true);
        let result = match self.push_and_pull().await {
            Ok(()) => self.upload_photos().await,
            Err(e) => Err(e),
        };
        self.busy.set(false);
        match result {
            Ok(()) => {
                self.failures.set_value(0);
                self.online.set(true);
                self.schedule(PERIOD_MS);
            }
            Err(e) if e.code == ErrorCode::Unauthorized => self.needs_sign_in.set(true),
            Err(_) => {
                self.online.set(false);
                let failures = self.failures.get_value().saturating_add(1);
                self.failures.set_value(failures);
                self.schedule(backoff_ms(failures));
            }
        }
    }

    /// Sends the outbox in batches until nothing sendable is left, taking in what changed.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    async fn push_and_pull(self) -> Result<(), ApiError> {
        let Some(user) = self.user.get_value() else { return Ok(()) };
        let mut batch_size = BATCH;
        loop {
            let mut replica: Replica = device::load(&replica_key(&user)).unwrap_or_default();
            let (body, ids) = self.outbox.with_untracked(|o| {
                let ops = o.next_batch(batch_size);
                let ids: Vec<Uuid> = ops.iter().map(|op| op.id).collect();
                (client::sync_body(&ops, replica.cursor.as_deref()), ids)
            });
            match client::sync(body).await {
                Ok(answer) => {
                    let mut settled = Settled::default();
                    self.outbox.update(|o| settled = o.settle(&answer.results));
                    self.save_outbox();
                    let applied = settled.applied > 0;
                    let changed = replica.absorb(answer, device::now());
                    self.storage_failed.set(!device::save(&replica_key(&user), &replica));
                    self.last_sync.set(replica.last_sync);
                    self.needs_sign_in.set(false);
                    self.online.set(true);
                    if changed || applied {
                        self.changed.update(|n| *n += 1);
                    }
                }
                Err(e) if matches!(e.code, ErrorCode::Network | ErrorCode::Unauthorized | ErrorCode::Internal) => {
                    return Err(e);
                }
                // The whole request was refused: find the record at fault by sending one at a time.
                Err(e) if ids.len() > 1 => {
                    let _ = e;
                    batch_size = 1;
                    continue;
                }
                Err(e) => match ids.first() {
                    Some(id) => {
                        self.outbox.update(|o| o.reject(*id, e));
                        self.save_outbox();
                    }
                    None => return Err(e),
                },
            }
            if ids.is_empty() || self.outbox.with_untracked(|o| o.next_batch(1).is_empty()) {
                return Ok(());
            }
        }
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    async fn upload_photos(self) -> Result<(), ApiError> {
        for photo in self.outbox.with_untracked(Outbox::photos_ready) {
            let refusal = match photos::upload(photo.finding_id, &photo.hash).await {
                Upload::Done => None,
                Upload::Offline => return Err(ErrorCode::Network.into()),
                Upload::Refused(401) => return Err(ErrorCode::Unauthorized.into()),
                Upload::Refused(status) => Some(ApiError::from(refusal_code(status))),
                Upload::Lost => Some(ApiError::from(ErrorCode::NotFound)),
            };
            self.outbox.update(|o| o.photo_done(&photo.hash, photo.finding_id, refusal));
            self.save_outbox();
        }
        Ok(())
    }
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn refusal_code(status: u16) -> ErrorCode {
    match status {
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        413 => ErrorCode::PhotoTooLarge,
        415 => ErrorCode::NotAnImage,
        400 => ErrorCode::PhotoHashMismatch,
        _ => ErrorCode::Internal,
    }
}

/// 5 s, 10 s, 20 s, ... up to 5 minutes.
fn backoff_ms(failures: u32) -> u64 {
    5_000u64.saturating_mul(1 << failures.saturating_sub(1).min(10)).min(BACKOFF_MAX_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_up_to_five_minutes() {
        let waits: Vec<u64> = (1..=8).map(backoff_ms).collect();
        assert_eq!(waits, vec![5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
        assert_eq!(backoff_ms(u32::MAX), BACKOFF_MAX_MS);
    }
}

//! Keeps the outbox and the replica in the phone's storage and syncs them with the server: when
//! the app starts, when the network comes back, every minute while online, on "sync now" and
//! right after a new record. Failures back off; a record the server refuses waits for the user.
//!
//! Every tab of the app runs an engine. The outbox lives in IndexedDB, written one change at a
//! time (`Outbox::change_to`); each tab's `outbox` signal is a copy, read again whenever a tab
//! says it wrote (`phone::Word`). Only one tab syncs at a time (`phone::exclusively`), and it
//! reads the stored outbox first, so records made in any tab go out, once.

use super::outbox::{Entry, Outbox, Outgoing, Receipt, BATCH};
use super::phone::{self, Word};
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

fn replica_key(user: &str) -> String {
    format!("roadchief.{user}.replica")
}

fn legacy_outbox_key(user: &str) -> String {
    format!("roadchief.{user}.outbox")
}

/// The user last signed in on this phone, as stored (for opening the app offline).
pub fn stored_me() -> Option<Me> {
    device::load(ME_KEY)
}

/// Forgets what this phone keeps of a user that can be fetched again (their copy of the
/// server's data and the pages they read); their unsynced records stay, out of sight.
fn forget_copies(user: &str) {
    device::forget(&replica_key(user));
    device::forget(&read_findings_key(user));
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
    /// This tab's copy of the stored outbox.
    pub outbox: RwSignal<Outbox>,
    /// The server's receipts for the last records it accepted.
    /// Stored as `Entry`s (key: the record's id, text: the `Receipt`), read by the outbox
    /// page, which carries their parser.
    pub receipts: RwSignal<Vec<Entry>>,
    pub last_sync: RwSignal<Option<Timestamp>>,
    /// The session ended (e.g. expired while offline): records wait until the user signs in.
    pub needs_sign_in: RwSignal<bool>,
    pub busy: RwSignal<bool>,
    /// Another tab of the app is syncing.
    pub elsewhere: RwSignal<bool>,
    /// The browser refused to store (full or disabled): say so, never pretend it was saved.
    pub storage_failed: RwSignal<Option<ApiError>>,
    pub storage_low: RwSignal<bool>,
    /// The browser has not promised to keep this site's storage (Safari clears it after a week
    /// without a visit): the chief is reminded to sync.
    pub not_persistent: RwSignal<bool>,
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

/// A change to the outbox, giving the receipts to store with it.
type Edit = Box<dyn FnOnce(&mut Outbox) -> Vec<Receipt>>;

pub fn use_sync() -> SyncEngine {
    expect_context::<SyncEngine>()
}

impl SyncEngine {
    pub fn provide() -> SyncEngine {
        let engine = SyncEngine {
            online: RwSignal::new(true),
            outbox: RwSignal::new(Outbox::default()),
            receipts: RwSignal::new(Vec::new()),
            last_sync: RwSignal::new(None),
            needs_sign_in: RwSignal::new(false),
            busy: RwSignal::new(false),
            elsewhere: RwSignal::new(false),
            storage_failed: RwSignal::new(None),
            storage_low: RwSignal::new(false),
            not_persistent: RwSignal::new(false),
            changed: RwSignal::new(0),
            active: RwSignal::new(false),
            update_ready: RwSignal::new(false),
            user: StoredValue::new(None),
            failures: StoredValue::new(0),
            #[cfg(feature = "hydrate")]
            timer: StoredValue::new(None),
        };
        provide_context(engine);
        #[cfg(feature = "hydrate")]
        {
            // A sign-out made with no signal reaches the server as soon as it can.
            leptos::task::spawn_local(flush_sign_out());
            phone::listen(move |word| engine.heard(word));
        }
        engine
    }

    /// Starts syncing for the signed-in user: their outbox and copy come from storage, the
    /// browser is asked to keep them, and the first sync goes out.
    pub fn attach(self, me: &Me) {
        if self.user.with_value(|u| u.as_deref() == Some(me.id.as_str())) {
            return;
        }
        if let Some(before) = stored_me().filter(|before| before.id != me.id) {
            // Another person used this phone before: nothing of theirs is shown to this one.
            forget_copies(&before.id);
        }
        self.user.set_value(Some(me.id.clone()));
        device::save(ME_KEY, me);
        let user = me.id.clone();
        leptos::task::spawn_local(async move {
            // The server rendered none of this: a screen still hydrating must find its HTML.
            device::hydration::done().await;
            self.watch_network();
            self.last_sync.set(device::load::<Replica>(&replica_key(&user)).and_then(|r| r.last_sync));
            if let Err(e) = move_legacy_outbox(&user).await {
                self.storage_failed.set(Some(e));
            }
            self.reload().await;
            self.active.set(true);
            self.schedule(0);
            phone::sweep_photos().await;
            let persistent = photos::persist_storage().await;
            self.not_persistent.set(!persistent);
            self.storage_low.set(photos::storage_nearly_full().await);
        });
    }

    /// Follows the network and the app's updates (the listeners live as long as the page).
    fn watch_network(self) {
        #[cfg(feature = "hydrate")]
        {
            use leptos::leptos_dom::helpers::window_event_listener_untyped;
            self.online.set(device::network_up());
            std::mem::forget(window_event_listener_untyped("online", move |_| {
                self.online.set(true);
                leptos::task::spawn_local(flush_sign_out());
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
        }
    }

    /// What another tab said.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn heard(self, word: Word) {
        let Some(user) = self.user.get_value() else { return };
        match word {
            Word::Outbox => leptos::task::spawn_local(self.reload()),
            Word::Replica => {
                self.last_sync.set(device::load::<Replica>(&replica_key(&user)).and_then(|r| r.last_sync));
                self.changed.update(|n| *n += 1);
                leptos::task::spawn_local(self.reload());
            }
            Word::SignedOut => {
                self.user.set_value(None);
                client::go_to("/login")
            }
        }
    }

    /// Reads the stored outbox and receipts into this tab's copy, in this tab's turn.
    async fn reload(self) {
        let _turn = phone::next_turn().await;
        self.read_stored().await
    }

    async fn read_stored(self) {
        let Some(user) = self.user.get_value() else { return };
        match phone::entries(&user).await {
            Ok(entries) => self.outbox.set(Outbox::from_entries(entries)),
            Err(e) => self.storage_failed.set(Some(e)),
        }
        let mut receipts = phone::receipts(&user).await;
        receipts.reverse();
        self.receipts.set(receipts);
    }

    /// Makes `edit` to the stored outbox, in this tab's turn: what it takes to go from this
    /// tab's copy to the edited one is written (with the receipts `edit` returns), the copy is
    /// read again, and the other tabs are told. Gives the receipts written.
    async fn write(self, edit: impl FnOnce(&mut Outbox) -> Vec<Receipt> + 'static) -> Result<Vec<Receipt>, ApiError> {
        // One body for every kind of edit (boxed): the bundle carries it once.
        self.write_boxed(Box::new(edit)).await
    }

    async fn write_boxed(self, edit: Edit) -> Result<Vec<Receipt>, ApiError> {
        let _turn = phone::next_turn().await;
        {
            let Some(user) = self.user.get_value() else { return Err(ErrorCode::Unauthorized.into()) };
            let mut after = self.outbox.get_untracked();
            let receipts = edit(&mut after);
            let change = self.outbox.with_untracked(|before| before.change_to(&after)).with_receipts(&receipts);
            let written = phone::change(&user, &change).await;
            match &written {
                Ok(()) => self.storage_failed.set(None),
                Err(e) => self.storage_failed.set(Some(e.clone())),
            }
            if written.is_ok() && !change.is_empty() {
                phone::announce(Word::Outbox);
            }
            self.read_stored().await;
            written.map(|()| receipts)
        }
    }

    /// Keeps a change on the phone and queues it for the server; its operation id once it is
    /// stored. When the phone cannot store it, nothing of it is kept and the screen keeps
    /// what the user entered to try again.
    pub async fn record(self, op: Operation) -> Result<Uuid, ApiError> {
        self.replace(None, op).await
    }

    /// As `record`, dropping the `earlier` record in the same write (a refused record fixed):
    /// both happen or neither.
    pub async fn replace(self, earlier: Option<Uuid>, op: Operation) -> Result<Uuid, ApiError> {
        self.store(earlier, op, None).await
    }

    /// As `replace`, for a finding the form put `along_m` metres from the road's start.
    pub async fn record_finding(self, earlier: Option<Uuid>, op: Operation, along_m: f64) -> Result<Uuid, ApiError> {
        self.store(earlier, op, Some(along_m)).await
    }

    async fn store(self, earlier: Option<Uuid>, op: Operation, along_m: Option<f64>) -> Result<Uuid, ApiError> {
        let id = client::new_id();
        self.write(move |outbox| {
            if let Some(earlier) = earlier {
                outbox.discard(earlier);
            }
            outbox.push(id, &op, device::now());
            if let Some(along_m) = along_m {
                outbox.place(id, along_m);
            }
            Vec::new()
        })
        .await?;
        self.schedule(0);
        Ok(id)
    }

    /// Drops a record (and its photos) on the user's say-so. A failure to write shows in
    /// `storage_failed`; the record then stays.
    pub fn discard(self, id: Uuid) {
        leptos::task::spawn_local(async move {
            let _ = self
                .write(move |outbox| {
                    outbox.discard(id);
                    Vec::new()
                })
                .await;
        });
    }

    /// Drops a stored entry this version cannot read, on the user's say-so (after exporting it).
    pub fn discard_unreadable(self, key: String) {
        leptos::task::spawn_local(async move {
            let _ = self
                .write(move |outbox| {
                    outbox.unreadable.retain(|e| e.key != key);
                    Vec::new()
                })
                .await;
        });
    }

    /// Signs out: the server is told now, or as soon as the phone is online again. This
    /// user's copy of the server's data leaves the phone; their unsynced records stay, out of
    /// sight, until they sign in again.
    pub async fn sign_out(self) {
        if !ended(client::sign_out().await) {
            phone::mark_sign_out_pending().await;
        }
        // A sync still running writes nothing more for this user.
        if let Some(user) = self.user.get_value() {
            self.user.set_value(None);
            forget_copies(&user);
        }
        device::forget(ME_KEY);
        phone::announce(Word::SignedOut);
        client::go_to("/login");
    }

    /// Records wait with no network on a phone whose browser may clear them (not persistent
    /// storage): the chief should sync soon. Online they leave within seconds, and a warning
    /// shown for each record's few seconds on the phone would only jolt the page.
    pub fn eviction_risk(self) -> bool {
        self.not_persistent.get() && !self.online.get() && self.outbox.with(|o| o.unsynced() > 0)
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
        let Some(user) = self.user.get_value() else { return };
        if self.busy.get_untracked() {
            return;
        }
        self.busy.set(true);
        let result = match phone::exclusively(&format!("roadchief-sync-{user}")).await {
            Some(_lock) => {
                // What other tabs recorded goes out too.
                self.reload().await;
                Some(match self.push_and_pull(&user).await {
                    Ok(()) => self.upload_photos().await,
                    Err(e) => Err(e),
                })
            }
            None => None,
        };
        self.busy.set(false);
        self.elsewhere.set(result.is_none());
        match result {
            // Another tab is syncing: look again soon, in case it stops before this tab's
            // records went out.
            None => self.schedule(if self.outbox.with_untracked(|o| o.next_batch(1).is_empty()) {
                PERIOD_MS
            } else {
                5_000
            }),
            Some(Ok(())) => {
                self.failures.set_value(0);
                self.online.set(true);
                self.schedule(PERIOD_MS);
            }
            Some(Err(e)) if e.code == ErrorCode::Unauthorized => self.needs_sign_in.set(true),
            Some(Err(e)) => {
                if e.code == ErrorCode::Network {
                    self.online.set(false);
                }
                let failures = self.failures.get_value().saturating_add(1);
                self.failures.set_value(failures);
                self.schedule(backoff_ms(failures));
            }
        }
    }

    /// Sends the outbox in batches until nothing sendable is left, taking in what changed.
    ///
    /// A refusal of the whole request is never taken as the records' fault until shown to
    /// be: a cursor the server does not know resets the pull; otherwise the batch is halved
    /// until one record is alone, and only when a sync without it goes through is that record
    /// marked refused (and the others go on). A request refused even with no records stops
    /// the sync and leaves every record as it is.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    async fn push_and_pull(self, user: &str) -> Result<(), ApiError> {
        let mut batch_size = BATCH;
        let mut replica: Replica = device::load(&replica_key(user)).unwrap_or_default();
        // Kept only while the same user is signed in here (not after a sign-out meanwhile).
        let keep = |replica: &Replica| {
            self.user.with_value(|u| u.as_deref() == Some(user)) && device::save(&replica_key(user), replica)
        };
        loop {
            let ids: Vec<Uuid> =
                self.outbox.with_untracked(|o| o.next_batch(batch_size).iter().map(|op| op.id).collect());
            // "Sent" only when the phone thinks it has a network (else the request cannot leave).
            if !ids.is_empty() && device::network_up() {
                let sent = ids.clone();
                // Only what the screens say of the records: a full disk does not stop the sync.
                let _ = self
                    .write(move |outbox| {
                        outbox.mark_sent(&sent, device::now());
                        Vec::new()
                    })
                    .await;
            }
            let body = self.outbox.with_untracked(|o| {
                let now = Some(device::now());
                let ops: Vec<_> = o
                    .next_batch(batch_size)
                    .into_iter()
                    .filter(|op| ids.contains(&op.id))
                    .map(|op| Outgoing { sent_at: now, ..op })
                    .collect();
                client::sync_body(&ops, replica.cursor.as_deref())
            });
            match client::sync(body).await {
                Ok(answer) => {
                    let (results, at) = (answer.results.clone(), answer.server_time);
                    let applied = match self.write(move |outbox| outbox.settle(&results, at).receipts).await {
                        Ok(receipts) => receipts.len(),
                        Err(_) => {
                            // Receipts take room; the records leaving the outbox do not.
                            let results = answer.results.clone();
                            self.write(move |outbox| {
                                outbox.settle(&results, at);
                                Vec::new()
                            })
                            .await?;
                            1
                        }
                    };
                    // The first copy on a fresh phone holds what the screen was just rendered
                    // from: reloading the screen for it would only repaint the same page.
                    let fresh = replica.is_empty();
                    let changed = replica.absorb(answer, device::now()) && !fresh;
                    if !keep(&replica) {
                        return Err(ErrorCode::StorageFull.into());
                    }
                    phone::announce(Word::Replica);
                    self.last_sync.set(replica.last_sync);
                    self.needs_sign_in.set(false);
                    self.online.set(true);
                    if changed || applied > 0 {
                        self.changed.update(|n| *n += 1);
                    }
                    batch_size = (batch_size * 2).min(BATCH);
                }
                Err(e) if is_passing(&e) => return Err(e),
                Err(e) if e.code == ErrorCode::CursorRejected && replica.cursor.is_some() => {
                    replica.cursor = None;
                    keep(&replica);
                    continue;
                }
                Err(e) if ids.len() > 1 => {
                    let _ = e;
                    batch_size = ids.len() / 2;
                    continue;
                }
                Err(e) => match ids.first() {
                    // Alone and refused: is it the record, or the request?
                    Some(id) => match client::sync(client::sync_body(&[], replica.cursor.as_deref())).await {
                        Ok(_) => {
                            let id = *id;
                            self.write(move |outbox| {
                                outbox.reject(id, e);
                                Vec::new()
                            })
                            .await?;
                            batch_size = BATCH;
                        }
                        Err(_) => return Err(e),
                    },
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
                Upload::Refused(status) if status >= 500 || status == 429 => return Err(ErrorCode::Busy.into()),
                Upload::Refused(status) => Some(ApiError::from(refusal_code(status))),
                Upload::Lost => Some(ApiError::from(ErrorCode::NotFound)),
            };
            // Confirmed: the entry goes, and the file with its last entry (`phone.js`).
            self.write(move |outbox| {
                outbox.photo_done(&photo.hash, photo.finding_id, refusal);
                Vec::new()
            })
            .await?;
        }
        Ok(())
    }
}

/// A failure that passes by itself (no network, the server down or busy, the session over):
/// try again later, and blame no record for it.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn is_passing(e: &ApiError) -> bool {
    matches!(
        e.code,
        ErrorCode::Network
            | ErrorCode::Unauthorized
            | ErrorCode::Internal
            | ErrorCode::Busy
            | ErrorCode::TooManyAttempts
    )
}

/// The server's answer to a sign-out says the session is over: ended now, or already (expired).
fn ended(answer: Result<(), ApiError>) -> bool {
    match answer {
        Ok(()) => true,
        Err(e) => e.code == ErrorCode::Unauthorized,
    }
}

/// Ends the session of a sign-out made with no signal, if the phone has one waiting (also
/// called by the sign-in page before someone signs in).
pub async fn flush_sign_out() {
    if phone::sign_out_pending().await && ended(client::sign_out().await) {
        phone::clear_sign_out_pending().await;
    }
}

/// After a sign-in: a sign-out still waiting is of a session this browser no longer holds
/// (its cookie was replaced), and must not end the new one.
pub async fn after_sign_in() {
    phone::clear_sign_out_pending().await;
}

/// Moves an outbox an earlier version kept in localStorage into the stored outbox: written
/// and read back before the old copy is removed. One this version cannot read moves as it is.
async fn move_legacy_outbox(user: &str) -> Result<(), ApiError> {
    // Copies an earlier version set aside (`<key>.unreadable.<ms>`) move the same way.
    for aside in device::keys_with_prefix(&format!("{}.unreadable.", legacy_outbox_key(user))) {
        if let Some(text) = device::load_text(&aside) {
            move_entries(user, &aside, vec![super::outbox::Entry::unreadable(text)]).await?;
        }
    }
    let key = legacy_outbox_key(user);
    let Some(text) = device::load_text(&key) else { return Ok(()) };
    let entries = match serde_json::from_str::<Outbox>(&text) {
        Ok(outbox) => outbox.entries(),
        Err(_) => vec![super::outbox::Entry::unreadable(text)],
    };
    move_entries(user, &key, entries).await
}

/// Stores `entries`, reads them back, and only then removes the localStorage `key` they were in.
async fn move_entries(user: &str, key: &str, entries: Vec<super::outbox::Entry>) -> Result<(), ApiError> {
    let stored = phone::entries(user).await?;
    let add: Vec<_> = entries.iter().filter(|e| !stored.iter().any(|s| s.key == e.key)).cloned().collect();
    // Another tab opened at the same time may have moved them first (then this add is refused).
    let added = phone::change(user, &super::outbox::Change { add, ..Default::default() }).await;
    let now_stored = phone::entries(user).await?;
    if entries.iter().all(|e| now_stored.iter().any(|s| s.key == e.key)) {
        device::forget(key);
        Ok(())
    } else {
        added.and(Err(ErrorCode::Internal.into()))
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

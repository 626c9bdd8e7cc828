//! One form per move a user may make on a finding. Each move goes through the outbox like every
//! other record: kept on the phone, sent once, its outcome shown here.

use crate::api::error::{ApiError, ErrorCode};
use crate::api::operations::Operation;
use crate::api::views::Named;
use crate::components::notice::ErrorNotice;
use crate::components::photo_picker::PhotoPicker;
use crate::domain::evidence::PhotoTaken;
use crate::domain::finding::Move;
use crate::domain::photo::PhotoHash;
use crate::i18n::{use_i18n, Msg};
use crate::offline::engine::{use_sync, SyncEngine};
use leptos::prelude::*;
use uuid::Uuid;

#[derive(Clone, Copy)]
struct Texts {
    button: Msg,
    done: Msg,
    /// The text field's label, and whether it must be filled in.
    field: Option<(Msg, bool)>,
    primary: bool,
}

fn texts(action: Move) -> Texts {
    match action {
        Move::Accept => Texts { button: Msg::move_accept, done: Msg::moved_accept, field: None, primary: true },
        Move::Resolve => Texts {
            button: Msg::move_resolve,
            done: Msg::moved_resolve,
            field: Some((Msg::resolution_note, true)),
            primary: true,
        },
        Move::Return => Texts {
            button: Msg::move_return,
            done: Msg::moved_return,
            field: Some((Msg::return_reason, true)),
            primary: false,
        },
        Move::Reroute => Texts {
            button: Msg::move_reroute,
            done: Msg::moved_reroute,
            field: Some((Msg::reroute_note, false)),
            primary: true,
        },
        Move::SendBack => Texts {
            button: Msg::move_send_back,
            done: Msg::moved_send_back,
            field: Some((Msg::send_back_reason, true)),
            primary: false,
        },
        Move::CloseOut => Texts {
            button: Msg::move_close_out,
            done: Msg::moved_close_out,
            field: Some((Msg::close_out_note, false)),
            primary: true,
        },
        Move::Reopen => Texts {
            button: Msg::move_reopen,
            done: Msg::moved_reopen,
            field: Some((Msg::reopen_reason, true)),
            primary: false,
        },
    }
}

fn action_name(action: Move) -> &'static str {
    match action {
        Move::Accept => "accept",
        Move::Resolve => "resolve",
        Move::Return => "return",
        Move::Reroute => "reroute",
        Move::SendBack => "send-back",
        Move::CloseOut => "close-out",
        Move::Reopen => "reopen",
    }
}

/// Follows an operation sent from a form through the outbox: gone from it means applied
/// (`on_applied`); refused means the reason goes to `error` and the record is dropped, since
/// the form is still open to try again.
pub fn watch_sent(
    sync: SyncEngine,
    sent: RwSignal<Option<Uuid>>,
    error: RwSignal<Option<ApiError>>,
    on_applied: impl Fn() + 'static,
) {
    watch_outcome(sync, sent, error, on_applied, || {});
}

/// As `watch_sent`, and `on_refused` after a refused record is dropped (with the photo files
/// it carried).
pub fn watch_outcome(
    sync: SyncEngine,
    sent: RwSignal<Option<Uuid>>,
    error: RwSignal<Option<ApiError>>,
    on_applied: impl Fn() + 'static,
    on_refused: impl Fn() + 'static,
) {
    Effect::new(move || {
        let Some(id) = sent.get() else { return };
        let state = sync.outbox.with(|o| o.get(id).map(|q| q.rejected.clone()));
        match state {
            None => {
                sent.set(None);
                on_applied();
            }
            Some(Some(refusal)) => {
                sent.set(None);
                sync.discard(id);
                on_refused();
                error.set(Some(refusal));
            }
            Some(None) => {}
        }
    });
}

/// Puts a form's operation in the outbox, unless the form's last one is still on its way.
pub fn send(sync: SyncEngine, op: Operation, sent: RwSignal<Option<Uuid>>, error: RwSignal<Option<ApiError>>) {
    if sent.with_untracked(Option::is_some) {
        return;
    }
    error.set(None);
    leptos::task::spawn_local(async move {
        match sync.record(op).await {
            Ok(id) => sent.set(Some(id)),
            Err(e) => error.set(Some(e)),
        }
    });
}

#[component]
pub fn MoveForm(
    finding_id: Uuid,
    action: Move,
    targets: Vec<Named>,
    on_done: impl Fn(Msg) + Copy + Send + Sync + 'static,
    /// A resolution of this finding needs a photo of the result.
    #[prop(optional)]
    after_photo_required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let texts = texts(action);
    let sync = use_sync();
    let note = RwSignal::new(String::new());
    let section = RwSignal::new(String::new());
    // The move on its way through the outbox: gone from it means applied, refused means the
    // reason is shown here (and the record dropped, since the form is still open to retry).
    let sent = RwSignal::new(None::<Uuid>);
    let busy = move || sent.with(Option::is_some);
    let error = RwSignal::new(None::<ApiError>);
    let name = action_name(action);
    let field_id = format!("{name}-text");
    let select_id = format!("{name}-section");
    let done = texts.done;
    // A resolution's photos of the result. A move the server refused is dropped from the
    // outbox with its photo files, so the form lets go of them too.
    let photos = RwSignal::new(Vec::<PhotoHash>::new());
    let taken = RwSignal::new(Vec::<PhotoTaken>::new());
    let forget_photos = move || {
        photos.set(Vec::new());
        taken.set(Vec::new());
    };
    watch_outcome(
        sync,
        sent,
        error,
        move || {
            note.set(String::new());
            forget_photos();
            on_done(done);
        },
        forget_photos,
    );

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let photos = photos.get_untracked();
        if after_photo_required && action == Move::Resolve && photos.is_empty() {
            return error.set(Some(ErrorCode::AfterPhotoRequired.into()));
        }
        let op = Operation::MoveFinding {
            finding_id,
            action,
            note: Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
            section_id: Some(section.get_untracked()).filter(|s| !s.is_empty()),
            taken: taken.get_untracked().into_iter().filter(|t| photos.contains(&t.hash)).collect(),
            photos,
        };
        send(sync, op, sent, error);
    };

    view! {
        <form class=format!("move move-{name}") on:submit=submit>
            {(action == Move::Reroute)
                .then(|| {
                    let select_id = select_id.clone();
                    view! {
                        <label for=select_id.clone()>{i18n.t(Msg::reroute_to)}</label>
                        <select id=select_id required on:change=move |ev| section.set(event_target_value(&ev))>
                            <option value="">{i18n.t(Msg::choose_section)}</option>
                            {targets
                                .into_iter()
                                .map(|t| view! { <option value=t.id.clone()>{move || i18n.pick(&t.name_zh, &t.name_en)}</option> })
                                .collect_view()}
                        </select>
                    }
                })}
            {texts
                .field
                .map(|(label, required)| {
                    let field_id = field_id.clone();
                    view! {
                        <label for=field_id.clone()>
                            {i18n.t(label)}
                            {(!required).then(|| view! { <span class="muted small">" " {i18n.t(Msg::optional)}</span> })}
                        </label>
                        <textarea
                            id=field_id
                            rows="3"
                            maxlength="2000"
                            required=required
                            prop:value=move || note.get()
                            on:input=move |ev| note.set(event_target_value(&ev))
                        ></textarea>
                    }
                })}
            {(action == Move::Resolve)
                .then(|| {
                    view! {
                        <PhotoPicker photos taken legend=Msg::after_photos_label/>
                        {after_photo_required.then(|| view! { <p class="muted small">{i18n.t(Msg::after_photo_rule)}</p> })}
                    }
                })}
            {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
            {move || (busy() && !sync.online.get()).then(|| view! { <p class="notice" role="status">{i18n.t(Msg::move_queued)}</p> })}
            <button type="submit" class=if texts.primary { "primary" } else { "secondary" } disabled=busy>
                {i18n.t(texts.button)}
            </button>
        </form>
    }
}

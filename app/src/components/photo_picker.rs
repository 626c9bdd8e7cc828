//! Photos of a finding being recorded: taken with the camera or picked, downsized and kept on
//! the phone (IndexedDB) at once, shown as thumbnails, at most four.

use crate::domain::photo::{PhotoHash, MAX_PHOTOS_PER_FINDING};
use crate::i18n::{use_i18n, Msg};
use crate::offline::photos;
use crate::t;
use leptos::prelude::*;

#[component]
pub fn PhotoPicker(photos: RwSignal<Vec<PhotoHash>>) -> impl IntoView {
    let i18n = use_i18n();
    let failed = RwSignal::new(None::<crate::api::error::ApiError>);
    let busy = RwSignal::new(false);
    let full = move || photos.with(|p| p.len() >= MAX_PHOTOS_PER_FINDING);

    let picked = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
                return;
            };
            let files: Vec<web_sys::File> =
                input.files().map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect()).unwrap_or_default();
            input.set_value("");
            busy.set(true);
            failed.set(None);
            leptos::task::spawn_local(async move {
                for file in files {
                    if photos.with_untracked(|p| p.len() >= MAX_PHOTOS_PER_FINDING) {
                        break;
                    }
                    match photos::store(file).await {
                        Ok(hash) => photos.update(|p| {
                            if !p.contains(&hash) {
                                p.push(hash)
                            }
                        }),
                        Err(e) => failed.set(Some(e)),
                    }
                }
                busy.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, busy, failed);
    };

    view! {
        <fieldset class="photos">
            <legend>{t!(i18n, photos_label)}</legend>
            <ul class="thumbs">
                {move || {
                    photos
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, hash)| {
                            let shown = hash.clone();
                            view! {
                                <li>
                                    <Thumb hash=shown n=i + 1/>
                                    <button
                                        type="button"
                                        class="ghost small"
                                        aria-label=move || i18n.t(Msg::remove_photo)
                                        on:click=move |_| photos.update(|p| p.retain(|h| h != &hash))
                                    >
                                        "×"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <label class="button secondary" class:disabled=full>
                {move || if busy.get() { i18n.t(Msg::loading) } else { i18n.t(Msg::add_photo) }}
                <input
                    type="file"
                    accept="image/*"
                    capture="environment"
                    multiple=true
                    class="visually-hidden"
                    disabled=full
                    on:change=picked
                />
            </label>
            {move || {
                failed.get().map(|e| {
                    // A full phone says so; any other failure is a file the browser cannot read.
                    let text = match e.code {
                        crate::api::error::ErrorCode::StorageFull => e.localized(i18n.lang()),
                        _ => i18n.t(Msg::photo_failed).to_owned(),
                    };
                    view! { <p class="field-error" role="alert">{text}</p> }
                })
            }}
        </fieldset>
    }
}

/// One stored photo, shown from the phone's copy.
#[component]
pub fn Thumb(hash: PhotoHash, n: usize) -> impl IntoView {
    let i18n = use_i18n();
    let src = LocalResource::new(move || {
        let hash = hash.clone();
        async move { photos::url(&hash).await }
    });
    view! {
        {move || {
            src.get()
                .flatten()
                .map(|url| view! { <img src=url alt=move || i18n.f(Msg::photo_alt, &[("n", &n.to_string())]) width="72" height="72"/> })
        }}
    }
}

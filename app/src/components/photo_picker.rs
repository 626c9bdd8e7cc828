//! Photos of a finding being recorded (or of its result): taken with the camera or picked,
//! downsized and kept on the phone (IndexedDB) at once, shown as thumbnails, at most four.
//! Each keeps when (the file's time, by the phone's clock) and where (the phone's position as
//! it was added) it was taken.

use crate::domain::evidence::PhotoTaken;
use crate::domain::photo::{PhotoHash, MAX_PHOTOS_PER_FINDING};
use crate::i18n::{use_i18n, Msg};
use crate::offline::photos;
use leptos::prelude::*;

#[component]
pub fn PhotoPicker(
    photos: RwSignal<Vec<PhotoHash>>,
    taken: RwSignal<Vec<PhotoTaken>>,
    /// What the photos are of, if not the problem (a resolution's: the result).
    #[prop(optional)]
    legend: Option<Msg>,
) -> impl IntoView {
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
                    let at = crate::domain::time::Timestamp(file.last_modified() as i64);
                    match photos::store(file).await {
                        Ok(hash) => {
                            if photos.with_untracked(|p| p.contains(&hash)) {
                                continue;
                            }
                            photos.update(|p| p.push(hash.clone()));
                            // A file without a believable time is kept without one.
                            if crate::domain::evidence::possible_time(at) {
                                taken.update(|t| t.push(PhotoTaken { hash: hash.clone(), at, place: None }));
                                crate::device::locate(move |found| {
                                    if let Ok(place) = found {
                                        taken.update(|t| {
                                            t.iter_mut().filter(|t| t.hash == hash).for_each(|t| t.place = Some(place))
                                        });
                                    }
                                });
                            }
                        }
                        Err(e) => failed.set(Some(e)),
                    }
                }
                busy.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, busy, failed, taken);
    };

    view! {
        <fieldset class="photos">
            <legend>{i18n.t(legend.unwrap_or(Msg::photos_label))}</legend>
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
                                        aria-label=i18n.t(Msg::remove_photo)
                                        on:click=move |_| {
                                            photos.update(|p| p.retain(|h| h != &hash));
                                            taken.update(|t| t.retain(|t| t.hash != hash));
                                        }
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
                .map(|url| view! { <img src=url alt=i18n.f(Msg::photo_alt, &[("n", &n.to_string())]) width="72" height="72"/> })
        }}
    }
}

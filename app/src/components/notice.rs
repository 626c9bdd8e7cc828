//! How a screen says that something went wrong, in the reader's language.

use crate::api::error::{ApiError, ErrorCode};
use crate::i18n::{use_i18n, Msg};
use leptos::prelude::*;

#[component]
pub fn ErrorNotice(error: ApiError) -> impl IntoView {
    let i18n = use_i18n();
    let code = error.code;
    view! {
        <div class="notice error" role="alert">
            <p>{move || error.localized(i18n.lang())}</p>
            {(code == ErrorCode::Unauthorized)
                .then(|| view! { <a class="button" href="/login">{i18n.t(Msg::sign_in)}</a> })}
        </div>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="muted loading" aria-live="polite">{i18n.t(Msg::loading)}</p> }
}

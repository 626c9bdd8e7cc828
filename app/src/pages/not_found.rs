use crate::i18n::{use_i18n, Msg};
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="card narrow">
            <h1>{i18n.t(Msg::not_found_title)}</h1>
            <p>{i18n.t(Msg::not_found_text)}</p>
            <a class="button" href="/">{i18n.t(Msg::back_home)}</a>
        </section>
    }
}

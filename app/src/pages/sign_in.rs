//! Signing in. Works before the page's code has loaded too: the form then posts to the same
//! JSON API endpoint, which answers a form with a redirect.

use crate::api::client;
use crate::api::error::{ApiError, ErrorCode};
use crate::api::operations::SESSION_PATH;
use crate::i18n::{use_i18n, Msg};
use crate::t;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use leptos_router::{lazy_route, LazyRoute};

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    // A refusal reported by the no-script path arrives as ?error=<code>.
    let from_redirect = query.with_untracked(|q| {
        q.get("error").and_then(|code| serde_json::from_value::<ErrorCode>(serde_json::Value::String(code)).ok())
    });
    let error = RwSignal::new(from_redirect.map(ApiError::from));
    let busy = RwSignal::new(false);
    let username = NodeRef::<html::Input>::new();
    let password = NodeRef::<html::Input>::new();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(u), Some(p)) = (username.get(), password.get()) else {
            return;
        };
        busy.set(true);
        error.set(None);
        let (u, p) = (u.value(), p.value());
        spawn_local(async move {
            // A sign-out made on this phone with no signal ends that session first.
            crate::offline::engine::flush_sign_out().await;
            match client::sign_in(u, p).await {
                Ok(_) => {
                    crate::offline::engine::after_sign_in().await;
                    client::go_to("/")
                }
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                }
            }
        });
    };

    view! {
        <section class="card narrow sign-in">
            <h1>{t!(i18n, sign_in_title)}</h1>
            <p class="muted">{t!(i18n, sign_in_hint)}</p>
            <form method="post" action=SESSION_PATH on:submit=submit>
                <label for="username">{t!(i18n, username)}</label>
                <input
                    id="username"
                    name="username"
                    node_ref=username
                    autocomplete="username"
                    autocapitalize="none"
                    required
                />
                <label for="password">{t!(i18n, password)}</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    node_ref=password
                    autocomplete="current-password"
                    required
                />
                {move || {
                    error
                        .get()
                        .map(|e| view! { <p class="field-error" role="alert">{e.localized(i18n.lang())}</p> })
                }}
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Msg::signing_in) } else { i18n.t(Msg::sign_in) }}
                </button>
            </form>
        </section>
    }
}

/// The sign-in page, loaded on demand: a chief stays signed in, so the phone's first load
/// leaves it out. (The form works before its code arrives: it posts to the same endpoint.)
pub struct SignInRoute;

#[lazy_route]
impl LazyRoute for SignInRoute {
    fn data() -> Self {
        SignInRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <SignInPage/> }.into_any()
    }
}

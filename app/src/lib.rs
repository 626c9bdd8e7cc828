//! Road Chief (路长巡查): the app shared by the server (SSR) and the browser (hydration).

#![recursion_limit = "256"]
// Unstable, allowed for the browser bundle by .ci/setup: see `SPLIT_LAYOUT_ROOM`.
#![cfg_attr(all(feature = "hydrate", target_arch = "wasm32"), feature(used_with_arg))]

pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
#[cfg(feature = "ssr")]
pub mod board;
pub mod components;
pub mod device;
pub mod domain;
pub mod i18n;
pub mod offline;
pub mod pages;

use api::error::ApiError;
use api::views::Me;
use i18n::{I18n, Lang};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy};

/// The HTML document around the app (rendered on the server only).
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos_meta::{provide_meta_context, MetaTags};
    backend::page_policy::set_for_this_page();
    provide_meta_context();
    // The head is the same for a page's whole life (a language switch reloads the page), so it
    // is written here once rather than kept by the app in the browser.
    let lang = initial_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>{lang.text(i18n::Msg::app_name)}</title>
                <meta name="theme-color" content="#0f5c4d"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                // The stylesheet, then the code, fetched after the page is painted from the HTML.
                <backend::app_code::AppCode options/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icons/icon-192.png"/>
                <script src="/pwa.js" defer></script>
                <MetaTags/>
            </head>
            <body>
                <App/>
                <i18n::PageTexts langs=page_langs()/>
            </body>
        </html>
    }
}

/// The signed-in user, loaded once per page load and shared by every screen.
#[derive(Clone, Copy)]
pub struct CurrentUser(pub Resource<Result<Option<Me>, ApiError>>);

pub fn use_current_user() -> CurrentUser {
    expect_context::<CurrentUser>()
}

/// The languages whose texts the page carries: its own, or both for the offline shell.
#[cfg(feature = "ssr")]
fn page_langs() -> Vec<Lang> {
    let shell = use_context::<http::request::Parts>().is_some_and(|p| p.uri.path() == "/shell");
    if shell {
        vec![Lang::ZhCn, Lang::En]
    } else {
        vec![initial_lang()]
    }
}

/// The language the page starts in: on the server from the request, in the browser from
/// what the server rendered.
fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().map(|p| backend::auth::request_lang(&p.headers)).unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|code| Lang::from_code(&code))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Lang::default()
    }
}

#[component]
pub fn App() -> impl IntoView {
    I18n::provide(initial_lang());
    let sync = offline::engine::SyncEngine::provide();
    // With no network, the user last signed in on this phone (their records are here too).
    let me = Resource::new(
        || (),
        |_| async {
            offline::or_stored(api::reads::load_current_user().await, |_| offline::engine::stored_me().map(Some))
        },
    );
    provide_context(CurrentUser(me));
    Effect::new(move || {
        if let Some(Ok(Some(me))) = me.get() {
            sync.attach(&me);
        }
    });

    view! {
        <Router>
            <components::header::Header/>
            <components::sync_status::SyncStatus/>
            <main id="main">
                <Routes fallback=|| view! { <pages::not_found::NotFound/> }>
                    <Route path=path!("/login") view={Lazy::<pages::sign_in::SignInRoute>::new()}/>
                    <Route path=path!("/") view=pages::home::HomePage/>
                    <Route path=path!("/roads/:road_id") view=pages::inspection::InspectionScreen/>
                    <Route path=path!("/roads/:road_id/street") view={Lazy::<pages::street::StreetRoute>::new()}/>
                    <Route path=path!("/roads/:road_id/patrol") view={Lazy::<pages::patrol::PatrolRoute>::new()}/>
                    <Route path=path!("/shops/:id") view={Lazy::<pages::shop::ShopRoute>::new()}/>
                    <Route path=path!("/findings") view={Lazy::<pages::my_findings::MyFindingsRoute>::new()}/>
                    <Route path=path!("/findings/:id") view={Lazy::<pages::finding::FindingRoute>::new()}/>
                    <Route path=path!("/inbox") view={Lazy::<pages::inbox::InboxRoute>::new()}/>
                    <Route path=path!("/overview") view={Lazy::<pages::overview::OverviewRoute>::new()}/>
                    <Route path=path!("/outbox") view={Lazy::<pages::outbox::OutboxRoute>::new()}/>
                    <Route path=path!("/race") view={Lazy::<pages::race::RaceRoute>::new()}/>
                    <Route path=path!("/reports") view={Lazy::<pages::reports::ReportsRoute>::new()}/>
                    <Route path=path!("/shell") view=pages::shell::OfflineShell/>
                    // Last: the first route that matches wins, and this one matches any single
                    // segment (`/channels`, `/rules`, `/admin`; anything else is not found).
                    <Route path=path!("/:desk") view={Lazy::<pages::desk::DeskRoute>::new()}/>
                </Routes>
            </main>
        </Router>
    }
}

/// Renders the whole app in the browser (no server HTML to hydrate): only for the offline
/// shell, so its code is loaded on demand.
#[cfg(feature = "hydrate")]
#[leptos::lazy]
fn mount_offline_shell() {
    let body = leptos::tachys::dom::body();
    // The shell was rendered once for every later visit: the remembered choice, not the
    // language it was rendered in, is the page's. Its texts (both languages) are in the body
    // that is about to be emptied; the page's `lang` passes the choice on to the app.
    let lang = i18n::remembered().unwrap_or_else(initial_lang);
    i18n::load_page_texts(lang);
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        if let Some(html) = document.document_element() {
            let _ = html.set_attribute("lang", lang.code());
        }
        document.set_title(lang.text(i18n::Msg::app_name));
    }
    body.set_inner_html("");
    leptos::mount::mount_to_body(App);
}

/// Room for wasm-split's layout of the read-only data. wasm-split lays out each module's part
/// of it again, aligned; when that comes out even a few bytes longer than the linker's layout,
/// it gives all of it to the main module (on 2026-12-05, 19 bytes over put 85 KB more into the
/// first load). The linker keeps these bytes but no code reads them, so no module carries them:
/// they only make the linker's layout longer than wasm-split's can be.
#[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
#[used(linker)]
static SPLIT_LAYOUT_ROOM: [u8; 8192] = [0x5a; 8192];

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // As `leptos::mount::hydrate_lazy`: pages the road chief does not need first come in
    // chunks of their own (wasm-split), loaded before their part of the page hydrates.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let document = web_sys::window().and_then(|w| w.document());
    if document.as_ref().and_then(|d| d.get_element_by_id(pages::shell::SHELL_MARK)).is_some() {
        // The service worker answered a navigation with no network with the cached app shell:
        // there is nothing to hydrate, so the app renders itself from the phone's copy. The
        // code that builds the page in the browser comes in a chunk of its own (precached).
        leptos::task::spawn_local(async move {
            mount_offline_shell().await;
            device::hydration::finished();
            if let Some(html) = document.and_then(|d| d.document_element()) {
                let _ = html.set_attribute("data-hydrated", "true");
            }
        });
        return;
    }
    leptos::task::spawn_local(async {
        let mounted = leptos::mount::hydrate_from_async(leptos::tachys::dom::body(), App).await;
        mounted.forget();
        device::hydration::finished();
        // Lets tests (and curious people) see that the page is interactive now.
        if let Some(html) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = html.set_attribute("data-hydrated", "true");
        }
    });
}

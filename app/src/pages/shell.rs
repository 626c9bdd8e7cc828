//! The app shell the service worker keeps for opening the app with no network: an empty page
//! with this build's scripts. In the browser it renders the route asked for from the phone's
//! copy (see `hydrate`).

use leptos::prelude::*;

/// The element that tells the browser code this page is the shell, not a rendered screen.
pub const SHELL_MARK: &str = "offline-shell";

#[component]
pub fn OfflineShell() -> impl IntoView {
    view! { <div id=SHELL_MARK hidden=true></div> }
}

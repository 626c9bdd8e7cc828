//! The coordinator's desk screens (notification channels, routing rules, administration) under
//! one route, `/:desk`, loaded on demand together. One route for the three keeps the router's
//! route list within 16: past that every route type nests one level deeper, and the first load
//! of every phone grows with it.

use super::admin::AdminPage;
use super::channels::ChannelsPage;
use super::not_found::NotFound;
use super::rules::RulesPage;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use leptos_router::{lazy_route, LazyRoute};

/// The screens under `/:desk`: the server serves these paths (and no other single segment)
/// as pages, so that files like `/favicon.svg` stay files.
pub const DESK_SCREENS: [&str; 3] = ["channels", "rules", "admin"];

pub struct DeskRoute;

#[lazy_route]
impl LazyRoute for DeskRoute {
    fn data() -> Self {
        DeskRoute
    }

    fn view(_this: Self) -> AnyView {
        let params = use_params_map();
        (move || match params.read().get("desk").as_deref() {
            Some("channels") => view! { <ChannelsPage/> }.into_any(),
            Some("rules") => view! { <RulesPage/> }.into_any(),
            Some("admin") => view! { <AdminPage/> }.into_any(),
            _ => view! { <NotFound/> }.into_any(),
        })
        .into_any()
    }
}

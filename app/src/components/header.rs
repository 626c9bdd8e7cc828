//! The bar on top of every screen: the app's name, the user's places, language, sign-out.

use crate::device;
use crate::domain::Role;
use crate::i18n::{use_i18n, Lang, Msg};
use crate::offline::engine::use_sync;
use crate::{t, use_current_user};
use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let me = use_current_user().0;
    // On a phone the places, the language and sign-out sit behind one button, so that the bar
    // stays one line; from 720 px they stand in the bar (the CSS shows the menu inline).
    let open = RwSignal::new(false);
    let signed_in = move || {
        Suspend::new(async move {
            match me.await.ok().flatten() {
                Some(me) => {
                    let links: Vec<(&'static str, Msg)> = match me.role {
                        Role::RoadChief => {
                            vec![
                                ("/", Msg::nav_my_roads),
                                ("/findings", Msg::nav_my_findings),
                                ("/race", Msg::nav_race),
                            ]
                        }
                        Role::SectionHead => vec![("/inbox", Msg::nav_inbox), ("/race", Msg::nav_race)],
                        Role::Coordinator => {
                            vec![
                                ("/overview", Msg::nav_overview),
                                ("/race", Msg::nav_race),
                                ("/rules", Msg::nav_rules),
                                ("/channels", Msg::nav_channels),
                                ("/admin", Msg::nav_admin),
                            ]
                        }
                    };
                    Either::Left(view! {
                        <button
                            type="button"
                            class="ghost menu-toggle"
                            aria-expanded=move || if open.get() { "true" } else { "false" }
                            aria-controls="menu"
                            on:click=move |_| open.update(|o| *o = !*o)
                        >
                            <span class="menu-icon" aria-hidden="true"></span>
                            {t!(i18n, menu)}
                        </button>
                        // A chosen place or language closes it.
                        <div id="menu" class="menu" class:open=move || open.get() on:click=move |_| open.set(false)>
                            <nav class="nav" aria-label=i18n.t(Msg::nav_label)>
                                {links
                                    .into_iter()
                                    .map(|(href, msg)| view! { <a href=href>{i18n.t(msg)}</a> })
                                    .collect_view()}
                            </nav>
                            <span class="who">{me.display_name}</span>
                            <LanguageSwitch/>
                            <SignOutButton/>
                        </div>
                    })
                }
                None => Either::Right(view! { <LanguageSwitch/> }),
            }
        })
    };
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <img src="/favicon.svg" alt="" width="28" height="28"/>
                <span>{t!(i18n, app_name)}</span>
            </a>
            <Transition fallback=|| ()>{signed_in}</Transition>
        </header>
    }
}

#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let other = match i18n.lang() {
        Lang::ZhCn => Lang::En,
        Lang::En => Lang::ZhCn,
    };
    view! {
        <button
            type="button"
            class="ghost lang"
            lang=other.code()
            // The name a screen reader says is the text shown (the other language's name).
            title=i18n.t(Msg::switch_language)
            on:click=move |_| i18n.set(other)
        >
            {other.name()}
        </button>
    }
}

#[component]
fn SignOutButton() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    view! {
        <button
            type="button"
            class="ghost"
            on:click=move |_| {
                // Records stay on the phone either way; the user should still know they are there.
                let unsynced = sync.outbox.with_untracked(|o| o.unsynced());
                if unsynced > 0 && !device::confirm(&i18n.f(Msg::sign_out_unsynced, &[("n", &unsynced.to_string())])) {
                    return;
                }
                spawn_local(sync.sign_out())
            }
        >
            {t!(i18n, sign_out)}
        </button>
    }
}

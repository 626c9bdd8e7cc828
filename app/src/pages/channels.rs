//! The coordinator's channels: where each section hears of its findings outside the app (a
//! webhook: generic JSON, WeCom or DingTalk robot), and the messages that did not get through,
//! with a button to send them again.

use crate::api::client;
use crate::api::error::ApiError;
use crate::api::reads::load_channels;
use crate::api::settings::{email_path, webhook_path, EmailSetting, WebhookSetting};
use crate::api::views::{Delivery, SectionChannel};
use crate::components::notice::{ErrorNotice, Loading};
use crate::domain::notice::WebhookFormat;
use crate::i18n::{use_i18n, Msg};
use crate::t;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn ChannelsPage() -> impl IntoView {
    let i18n = use_i18n();
    let channels = Resource::new(|| (), |_| load_channels());
    view! {
        <h1>{t!(i18n, channels_title)}</h1>
        <p class="muted">{t!(i18n, channels_hint)}</p>
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match channels.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(c) => {
                        let troubled = c.troubled.len();
                        view! {
                            <ul class="cards">
                                {c.sections.into_iter().map(|channel| view! { <ChannelForm channel/> }).collect_view()}
                            </ul>
                            <section class="group">
                                <h2>{t!(i18n, deliveries_title)} " (" {troubled} ")"</h2>
                                {if c.troubled.is_empty() {
                                    view! { <p class="muted">{t!(i18n, none_here)}</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="cards">
                                            {c
                                                .troubled
                                                .into_iter()
                                                .map(|delivery| view! { <DeliveryCard delivery on_retry=move || channels.refetch()/> })
                                                .collect_view()}
                                        </ul>
                                    }
                                        .into_any()
                                }}
                            </section>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn ChannelForm(channel: SectionChannel) -> impl IntoView {
    let i18n = use_i18n();
    let section_id = StoredValue::new(channel.section.id.clone());
    let url = RwSignal::new(channel.webhook_url.clone().unwrap_or_default());
    let format = RwSignal::new(channel.webhook_format.clone().unwrap_or_else(|| "json".into()));
    let email = RwSignal::new(channel.email.clone().unwrap_or_default());
    let saved = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let url_id = format!("webhook-{}", channel.section.id);
    let email_id = format!("email-{}", channel.section.id);
    let format_id = format!("format-{}", channel.section.id);
    let (zh, en) = (channel.section.name_zh.clone(), channel.section.name_en.clone());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        error.set(None);
        spawn_local(async move {
            let section = section_id.get_value();
            let webhook = WebhookSetting { url: Some(url.get_untracked()), format: Some(format.get_untracked()) };
            let address = email.get_untracked();
            let address = EmailSetting { email: (!address.trim().is_empty()).then_some(address) };
            let result = match client::send("PUT", &webhook_path(&section), Some(&webhook)).await {
                Ok(()) => client::send("PUT", &email_path(&section), Some(&address)).await,
                Err(e) => Err(e),
            };
            match result {
                Ok(()) => saved.set(true),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <li class="card">
            <form class="channel" on:submit=save aria-label=move || i18n.pick(&zh, &en)>
                <span class="card-title">{move || i18n.pick(&channel.section.name_zh, &channel.section.name_en)}</span>
                <label for=url_id.clone()>{t!(i18n, webhook_url)}</label>
                <input
                    id=url_id
                    type="url"
                    inputmode="url"
                    placeholder="https://"
                    prop:value=move || url.get()
                    on:input=move |ev| url.set(event_target_value(&ev))
                />
                <label for=format_id.clone()>{t!(i18n, webhook_format)}</label>
                <select id=format_id on:change=move |ev| format.set(event_target_value(&ev))>
                    {WebhookFormat::ALL
                        .into_iter()
                        .map(|f| {
                            let msg = match f {
                                WebhookFormat::Json => Msg::format_json,
                                WebhookFormat::Wecom => Msg::format_wecom,
                                WebhookFormat::Dingtalk => Msg::format_dingtalk,
                            };
                            view! { <option value=f.as_str() selected=move || format.get() == f.as_str()>{move || i18n.t(msg)}</option> }
                        })
                        .collect_view()}
                </select>
                <label for=email_id.clone()>{t!(i18n, section_email)}</label>
                <input
                    id=email_id
                    type="email"
                    inputmode="email"
                    placeholder="name@example.gov.cn"
                    prop:value=move || email.get()
                    on:input=move |ev| email.set(event_target_value(&ev))
                />
                <p class="notice error" role="alert" hidden=move || error.with(Option::is_none)>
                    {move || error.get().map(|e| e.localized(i18n.lang())).unwrap_or_default()}
                </p>
                <p class="notice success" role="status" hidden=move || !saved.get()>{t!(i18n, saved)}</p>
                <div class="row">
                    <button type="submit" class="primary">{t!(i18n, save)}</button>
                </div>
            </form>
        </li>
    }
}

#[component]
fn DeliveryCard(delivery: Delivery, on_retry: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let id = StoredValue::new(delivery.id.clone());
    let error = RwSignal::new(None::<ApiError>);
    let href = delivery.finding_id.map(|f| format!("/findings/{f}"));
    let given_up = delivery.status == "failed";
    let failures = delivery.failures.to_string();
    let next = delivery.next_attempt_at.format_local();
    let channel = if delivery.channel == "email" { Msg::channel_email } else { Msg::channel_webhook };
    let retry = move |_| {
        spawn_local(async move {
            match client::send("POST", &format!("/api/v1/notifications/{}/retry", id.get_value()), None::<&()>).await {
                Ok(()) => on_retry(),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <li class="card queued" class:refused=given_up>
            <span class="card-title">{delivery.recipient.clone()} " · " {i18n.t(channel)}</span>
            {href.map(|href| view! { <a href=href>{t!(i18n, open_finding)}</a> })}
            <span class="small">
                {move || {
                    if given_up {
                        i18n.f(Msg::delivery_given_up, &[("n", &failures)])
                    } else {
                        i18n.f(Msg::delivery_retrying, &[("n", &failures), ("at", &next)])
                    }
                }}
            </span>
            <span class="muted small">{delivery.last_error.clone().unwrap_or_default()}</span>
            <p class="notice error" role="alert" hidden=move || error.with(Option::is_none)>
                {move || error.get().map(|e| e.localized(i18n.lang())).unwrap_or_default()}
            </p>
            <button type="button" class="secondary small" on:click=retry>{t!(i18n, send_again)}</button>
        </li>
    }
}

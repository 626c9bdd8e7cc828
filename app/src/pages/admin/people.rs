//! People: each opens to change name, role and contacts, disable or enable the account, and
//! give a new password; a form below adds someone.

use super::{role_msg, segment, use_admin, Field, FormError, SavedHere, Write};
use crate::api::admin::{AccountStatus, AdminUser, Directory, NewUserForm, PasswordReset, UserForm};
use crate::api::error::ApiError;
use crate::domain::Role;
use crate::i18n::{use_i18n, Msg};
use crate::t;
use leptos::prelude::*;

const ROLES: [Role; 3] = [Role::RoadChief, Role::SectionHead, Role::Coordinator];

fn optional(text: String) -> Option<String> {
    (!text.trim().is_empty()).then_some(text)
}

#[component]
fn RolePicker(id: String, role: RwSignal<Role>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for=id.clone()>{t!(i18n, admin_role)}</label>
        <select id=id on:change=move |ev| {
            if let Some(r) = Role::parse(&event_target_value(&ev)) {
                role.set(r)
            }
        }>
            {ROLES
                .into_iter()
                .map(|r| view! { <option value=r.as_str() selected=move || role.get() == r>{move || i18n.t(role_msg(r))}</option> })
                .collect_view()}
        </select>
    }
}

#[component]
pub fn People(d: Directory) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="group" id="people">
            <h2>{t!(i18n, admin_users)} " (" {d.users.len()} ")"</h2>
            <ul class="admin-list">{d.users.into_iter().map(|user| view! { <Person user/> }).collect_view()}</ul>
            <NewPerson/>
        </section>
    }
}

#[component]
fn Person(user: AdminUser) -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let key = user.username.clone();
    let path = StoredValue::new(format!("/api/v1/users/{}", segment(&user.username)));
    let name = RwSignal::new(user.display_name.clone());
    let role = RwSignal::new(user.role);
    let phone = RwSignal::new(user.phone.clone().unwrap_or_default());
    let email = RwSignal::new(user.email.clone().unwrap_or_default());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let who = StoredValue::new(user.display_name.clone());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = UserForm {
            display_name: name.get_untracked(),
            role: role.get_untracked(),
            phone: optional(phone.get_untracked()),
            email: optional(email.get_untracked()),
        };
        let (path, item) = (path.get_value(), path.get_value());
        admin.send(Write { method: "PUT", path, body, item, what: name.get_untracked() }, error);
    };
    let disabled = user.disabled;
    let toggle = move |_| {
        let body = AccountStatus { disabled: !disabled };
        let (path, item) = (format!("{}/disabled", path.get_value()), path.get_value());
        admin.send(Write { method: "PUT", path, body, item, what: who.get_value() }, error);
    };
    let reset = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = PasswordReset { password: password.get_untracked() };
        let what = i18n.f(Msg::admin_password_reset, &[("who", &who.get_value())]);
        let (path, item) = (format!("{}/password", path.get_value()), path.get_value());
        admin.send(Write { method: "PUT", path, body, item, what }, error);
    };
    let posts = user.posts.clone();
    let role_now = user.role;
    let reopened = admin.reopened(&path.get_value());
    view! {
        <li>
            <details class="card admin-item" open=reopened>
                <summary>
                    <span class="card-title">{user.display_name.clone()}</span>
                    " "
                    <span class="muted small">{user.username.clone()} " · " {i18n.t(role_msg(role_now))}</span>
                    {disabled.then(|| view! { " " <span class="badge">{t!(i18n, admin_disabled)}</span> })}
                    {(!posts.is_empty())
                        .then(|| {
                            view! {
                                <span class="small admin-posts">
                                    {move || {
                                        let names: Vec<String> = posts.iter().map(|p| i18n.pick(&p.name_zh, &p.name_en)).collect();
                                        i18n.f(Msg::admin_posts, &[("posts", &names.join("、"))])
                                    }}
                                </span>
                            }
                        })}
                </summary>
                <SavedHere shown=reopened/>
                <form on:submit=save aria-label=user.display_name.clone()>
                    <Field id=format!("user-name-{key}") label=Msg::admin_display_name value=name required=true/>
                    <RolePicker id=format!("user-role-{key}") role/>
                    <Field id=format!("user-phone-{key}") label=Msg::admin_phone value=phone kind="tel"/>
                    <Field id=format!("user-email-{key}") label=Msg::admin_email value=email kind="email"/>
                    <div class="row">
                        <button type="submit" class="primary">{t!(i18n, save)}</button>
                        <button type="button" class="secondary" on:click=toggle>
                            {i18n.t(if disabled { Msg::admin_enable } else { Msg::admin_disable })}
                        </button>
                    </div>
                </form>
                <form class="admin-reset" on:submit=reset>
                    <Field id=format!("user-password-{key}") label=Msg::admin_new_password value=password kind="password"/>
                    <div class="row">
                        <button type="submit" class="secondary">{t!(i18n, admin_reset_password)}</button>
                    </div>
                </form>
                <FormError error/>
            </details>
        </li>
    }
}

#[component]
fn NewPerson() -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let username = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::RoadChief);
    let phone = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewUserForm {
            username: username.get_untracked().trim().to_owned(),
            display_name: name.get_untracked(),
            role: role.get_untracked(),
            password: password.get_untracked(),
            phone: optional(phone.get_untracked()),
            email: optional(email.get_untracked()),
        };
        let item = format!("/api/v1/users/{}", segment(&body.username));
        let write = Write { method: "POST", path: "/api/v1/users".to_owned(), body, item, what: name.get_untracked() };
        admin.send(write, error);
    };
    view! {
        <details class="card admin-new">
            <summary class="card-title">{t!(i18n, admin_new_user)}</summary>
            <form on:submit=create>
                <Field id="new-user-username".into() label=Msg::admin_username value=username required=true/>
                <Field id="new-user-name".into() label=Msg::admin_display_name value=name required=true/>
                <RolePicker id="new-user-role".into() role/>
                <Field id="new-user-password".into() label=Msg::admin_first_password value=password kind="password" required=true/>
                <Field id="new-user-phone".into() label=Msg::admin_phone value=phone kind="tel"/>
                <Field id="new-user-email".into() label=Msg::admin_email value=email kind="email"/>
                <FormError error/>
                <div class="row">
                    <button type="submit" class="primary">{t!(i18n, admin_new_user)}</button>
                </div>
            </form>
        </details>
    }
}

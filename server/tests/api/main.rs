//! Integration tests: the real server on a random port with a fresh SQLite file per test.

mod helpers;

mod admin;
mod administration;
mod assets;
mod auth;
mod authorization;
mod bad_input;
mod board;
mod contract;
mod deadline_rules;
mod district;
mod durability;
mod evidence;
mod idempotency;
mod inspection_loop;
mod joint;
mod limits;
mod load;
mod notifications;
mod open311;
mod patrol;
mod permissions;
mod photos;
mod race;
mod reminders;
mod security;
mod street;
mod sync;

//! The Road Chief server: configuration, start-up, the versioned JSON API, and the
//! administrative commands. Pages and domain rules live in the `app` crate.

pub mod backup;
pub mod board;
pub mod cli;
pub mod config;
pub mod courier;
pub mod demo;
pub mod http_api;
pub mod open311;
pub mod protect;
pub mod pwa;
pub mod startup;

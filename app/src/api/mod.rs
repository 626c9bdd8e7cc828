//! What crosses the wire: screen data read through server functions, writes as operations
//! sent to the JSON API, and the one error type both use.

pub mod admin;
pub mod client;
#[cfg(test)]
mod decoding;
pub mod district;
pub mod error;
pub mod joint;
pub mod operations;
pub mod patrol;
pub mod race;
pub mod reads;
pub mod reports;
pub mod settings;
pub mod street;
pub mod sync;
pub mod views;
pub mod wire;

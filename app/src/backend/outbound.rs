//! Where the server may send a webhook: the URL's host resolved, and every address it resolves
//! to public (`domain::notice::is_public_address`) or in the operator's allow-list. Checked when
//! the coordinator saves the URL and again before each delivery (a name can be pointed
//! somewhere else after it was saved); the courier then connects to the addresses checked here,
//! never to a fresh lookup.

use crate::api::error::ErrorCode;
use crate::domain::notice::{is_public_address, WebhookUrl};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// Networks an operator lets webhooks reach although they are not public (a receiver in the
/// office network, the tests' local receivers): `webhook_allow` in the configuration.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AllowList(Vec<ipnet::IpNet>);

impl AllowList {
    /// From entries like `10.20.0.0/16`, `192.168.1.5` or `fd00::/8`.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<AllowList, String> {
        entries
            .iter()
            .map(|entry| {
                let text = entry.as_ref().trim();
                text.parse::<ipnet::IpNet>()
                    .or_else(|_| text.parse::<IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| format!("{text:?} is not an address or a network like 10.0.0.0/8"))
            })
            .collect::<Result<_, _>>()
            .map(AllowList)
    }

    fn allows(&self, ip: IpAddr) -> bool {
        is_public_address(ip) || self.0.iter().any(|net| net.contains(&ip))
    }
}

/// Why a webhook may not be sent where its URL points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unreachable {
    /// The host name does not resolve (or not in time).
    HostUnknown,
    /// It resolves to an address inside: loopback, private, link-local, reserved.
    NotPublic,
}

impl Unreachable {
    pub fn code(self) -> ErrorCode {
        match self {
            Unreachable::HostUnknown => ErrorCode::WebhookHostUnknown,
            Unreachable::NotPublic => ErrorCode::WebhookNotPublic,
        }
    }

    /// For the delivery log the coordinator reads.
    pub fn detail(self) -> &'static str {
        match self {
            Unreachable::HostUnknown => "host not found",
            Unreachable::NotPublic => "refused: the address is not a public one",
        }
    }
}

const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// The addresses to send `url`'s requests to, all of them allowed.
pub async fn resolve(url: &WebhookUrl, allow: &AllowList) -> Result<Vec<SocketAddr>, Unreachable> {
    let (host, port) = url.endpoint().ok_or(Unreachable::HostUnknown)?;
    let found: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => match tokio::time::timeout(LOOKUP_TIMEOUT, tokio::net::lookup_host((host, port))).await {
            Ok(Ok(addresses)) => addresses.collect(),
            _ => return Err(Unreachable::HostUnknown),
        },
    };
    if found.is_empty() {
        return Err(Unreachable::HostUnknown);
    }
    // One address inside is enough to refuse: which one a connection would take is not ours
    // to choose.
    if found.iter().any(|a| !allow.allows(a.ip())) {
        return Err(Unreachable::NotPublic);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> WebhookUrl {
        WebhookUrl::parse(text).unwrap()
    }

    #[tokio::test]
    async fn inside_addresses_are_refused_unless_allowed() {
        let none = AllowList::default();
        for inside in [
            "http://127.0.0.1:22/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]:8080/",
            "http://localhost:9000/",
        ] {
            assert_eq!(resolve(&url(inside), &none).await, Err(Unreachable::NotPublic), "{inside}");
        }
        let local = AllowList::parse(&["127.0.0.0/8", "::1"]).unwrap();
        assert_eq!(resolve(&url("http://127.0.0.1:22/"), &local).await, Ok(vec!["127.0.0.1:22".parse().unwrap()]));
        assert!(resolve(&url("http://[::1]:8080/"), &local).await.is_ok());
        // Allowing the office network does not open the metadata address.
        assert_eq!(resolve(&url("http://169.254.169.254/"), &local).await, Err(Unreachable::NotPublic));
        assert_eq!(resolve(&url("https://8.8.8.8/hook"), &none).await, Ok(vec!["8.8.8.8:443".parse().unwrap()]));
        assert_eq!(resolve(&url("http://no-such-host.invalid/"), &none).await, Err(Unreachable::HostUnknown));
    }

    #[test]
    fn allow_lists_are_checked_when_read() {
        assert!(AllowList::parse(&["10.0.0.0/8", " 192.168.1.5 ", "fd00::/8"]).is_ok());
        assert!(AllowList::parse(&["everything"]).is_err());
        assert!(AllowList::parse(&["10.0.0.0/33"]).is_err());
    }
}

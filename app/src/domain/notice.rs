//! Telling a section about a finding outside the app: where to (a webhook URL in one of the
//! formats offices use) and when to try again after a failed delivery.

use std::fmt;

/// The body a webhook expects: our own JSON, or the text message of a WeCom (企业微信) or
/// DingTalk (钉钉) group robot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WebhookFormat {
    Json,
    Wecom,
    Dingtalk,
}

impl WebhookFormat {
    pub const ALL: [WebhookFormat; 3] = [WebhookFormat::Json, WebhookFormat::Wecom, WebhookFormat::Dingtalk];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookFormat::Json => "json",
            WebhookFormat::Wecom => "wecom",
            WebhookFormat::Dingtalk => "dingtalk",
        }
    }

    pub fn parse(text: &str) -> Option<WebhookFormat> {
        Self::ALL.into_iter().find(|f| f.as_str() == text)
    }
}

/// An http(s) URL with a host, as typed by the coordinator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookUrl(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a webhook address must be an http:// or https:// URL")]
pub struct NotAWebhookUrl;

impl WebhookUrl {
    pub fn parse(text: &str) -> Result<WebhookUrl, NotAWebhookUrl> {
        let url = text.trim();
        let ok = url.len() <= 2000 && !url.chars().any(|c| c.is_whitespace() || c.is_control());
        let webhook = WebhookUrl(url.to_owned());
        match webhook.endpoint() {
            Some(_) if ok => Ok(webhook),
            _ => Err(NotAWebhookUrl),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host (an IPv6 literal without its brackets) and port the URL points at.
    pub fn endpoint(&self) -> Option<(&str, u16)> {
        let (rest, default_port) = match self.0.strip_prefix("https://") {
            Some(rest) => (rest, 443),
            None => (self.0.strip_prefix("http://")?, 80),
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host_port = authority.rsplit('@').next().unwrap_or("");
        let (host, port) = match host_port.strip_prefix('[') {
            Some(v6) => {
                let (host, after) = v6.split_once(']')?;
                (host, after.strip_prefix(':'))
            }
            None => match host_port.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (host_port, None),
            },
        };
        let port = match port {
            None => default_port,
            Some(p) => p.parse().ok().filter(|p| *p != 0)?,
        };
        (!host.is_empty()).then_some((host, port))
    }

    /// The URL without what may hold a key (path, query, user): for logs.
    pub fn redacted(&self) -> String {
        let scheme = if self.0.starts_with("https://") { "https" } else { "http" };
        match self.endpoint() {
            Some((host, port)) => format!("{scheme}://{host}:{port}/…"),
            None => "(not a URL)".to_owned(),
        }
    }
}

/// Whether a webhook may reach this address: a public internet address, not this machine, a
/// private or shared network, link-local (where clouds answer with their metadata and keys),
/// multicast, documentation or otherwise reserved space.
pub fn is_public_address(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_unspecified()
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || a >= 240
                // Shared address space (carrier NAT; Alibaba Cloud's metadata at 100.100.100.200).
                || (a == 100 && (64..128).contains(&b))
                // Benchmarking, and IETF protocol assignments.
                || (a == 198 && (b == 18 || b == 19))
                || (a == 192 && b == 0 && c == 0))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_address(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                // Unique local (fc00::/7) and link-local (fe80::/10).
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                // Documentation (2001:db8::/32), and the IPv4-translation prefixes.
                || (first == 0x2001 && v6.segments()[1] == 0x0db8)
                || (first == 0x0064 && v6.segments()[1] == 0xff9b))
        }
    }
}

impl fmt::Display for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address as typed by the coordinator: one `@`, a local part, a domain with a dot,
/// no spaces. Whether it exists is the mail server's business.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(try_from = "String")]
pub struct EmailAddress(String);

impl TryFrom<String> for EmailAddress {
    type Error = NotAnEmailAddress;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        EmailAddress::parse(&text)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not an email address like name@example.gov.cn")]
pub struct NotAnEmailAddress;

impl EmailAddress {
    pub fn parse(text: &str) -> Result<EmailAddress, NotAnEmailAddress> {
        let address = text.trim();
        let (local, domain) = address.split_once('@').ok_or(NotAnEmailAddress)?;
        let ok = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && address.len() <= 254
            && !address.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'));
        if ok {
            Ok(EmailAddress(address.to_owned()))
        } else {
            Err(NotAnEmailAddress)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 60 * MINUTE_MS;
/// After the first three retries, hourly for a day.
const HOURLY_RETRIES: u32 = 24;

/// How long to wait after the `failures`-th failed attempt (1 min, 5 min, 30 min, then hourly
/// for a day); `None` when delivery is given up (the coordinator can still retry by hand).
pub fn retry_delay_ms(failures: u32) -> Option<i64> {
    match failures {
        0 => Some(0),
        1 => Some(MINUTE_MS),
        2 => Some(5 * MINUTE_MS),
        3 => Some(30 * MINUTE_MS),
        n if n <= 3 + HOURLY_RETRIES => Some(HOUR_MS),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_with_a_host_are_webhooks() {
        for good in [
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
            "http://127.0.0.1:8080/hook",
            " https://oapi.dingtalk.com/robot/send?access_token=x ",
        ] {
            assert!(WebhookUrl::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "ftp://example.com/x",
            "javascript:alert(1)",
            "https://",
            "http:///path",
            "https://:80/x",
            "https://exa mple.com",
            "example.com/hook",
            "",
        ] {
            assert_eq!(WebhookUrl::parse(bad), Err(NotAWebhookUrl), "{bad}");
        }
        assert_eq!(WebhookUrl::parse(" http://a/b ").unwrap().as_str(), "http://a/b");
        for bad_port in ["http://a:0/x", "http://a:99999/x", "http://a:http/x", "http://[::1/x"] {
            assert_eq!(WebhookUrl::parse(bad_port), Err(NotAWebhookUrl), "{bad_port}");
        }
    }

    #[test]
    fn a_webhook_knows_where_it_points_and_logs_no_key() {
        let at = |url: &str| WebhookUrl::parse(url).unwrap().endpoint().map(|(h, p)| (h.to_owned(), p));
        assert_eq!(
            at("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"),
            Some(("qyapi.weixin.qq.com".into(), 443))
        );
        assert_eq!(at("http://127.0.0.1:8080/hook"), Some(("127.0.0.1".into(), 8080)));
        assert_eq!(at("http://user:pw@intranet:81"), Some(("intranet".into(), 81)));
        assert_eq!(at("http://[::1]:9000/x"), Some(("::1".into(), 9000)));
        assert_eq!(at("http://[fe80::1]/x"), Some(("fe80::1".into(), 80)));
        let url = WebhookUrl::parse("https://oapi.dingtalk.com/robot/send?access_token=SECRET").unwrap();
        assert_eq!(url.redacted(), "https://oapi.dingtalk.com:443/…");
    }

    #[test]
    fn webhooks_reach_only_public_addresses() {
        let public = |text: &str| is_public_address(text.parse().unwrap());
        for inside in [
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "100.64.0.1",
            "100.100.100.200",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "198.18.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00:ec2::254",
            "fc00::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "2001:db8::1",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(!public(inside), "{inside} must be refused");
        }
        for outside in ["101.226.4.6", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2400:3200::1", "::ffff:8.8.8.8"] {
            assert!(public(outside), "{outside} is public");
        }
    }

    #[test]
    fn email_addresses_are_checked_loosely() {
        for good in ["chengguan@jiedao.gov.cn", " a.b+c@mail.example.com "] {
            assert!(EmailAddress::parse(good).is_ok(), "{good}");
        }
        for bad in
            ["", "no-at.example.com", "@example.com", "a@b", "a@.com", "a@b.", "a b@c.com", "a@b@c.com", "<a@b.com>"]
        {
            assert_eq!(EmailAddress::parse(bad), Err(NotAnEmailAddress), "{bad}");
        }
    }

    #[test]
    fn retries_slow_down_and_stop_after_a_day() {
        assert_eq!(retry_delay_ms(1), Some(60_000));
        assert_eq!(retry_delay_ms(2), Some(300_000));
        assert_eq!(retry_delay_ms(3), Some(1_800_000));
        assert_eq!(retry_delay_ms(4), Some(3_600_000));
        assert_eq!(retry_delay_ms(27), Some(3_600_000));
        assert_eq!(retry_delay_ms(28), None);
        let total: i64 = (1..=27).filter_map(retry_delay_ms).sum();
        assert!(total > 24 * HOUR_MS && total < 25 * HOUR_MS, "{total}");
    }

    #[test]
    fn formats_round_trip() {
        for f in WebhookFormat::ALL {
            assert_eq!(WebhookFormat::parse(f.as_str()), Some(f));
        }
        assert_eq!(WebhookFormat::parse("slack"), None);
    }
}

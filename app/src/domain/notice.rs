//! Telling a section about a finding outside the app: where to (a webhook URL in one of the
//! formats offices use) and when to try again after a failed delivery.

use std::fmt;

/// The body a webhook expects: our own JSON, or the text message of a WeCom (企业微信) or
/// DingTalk (钉钉) group robot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
        let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).ok_or(NotAWebhookUrl)?;
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = host.rsplit('@').next().unwrap_or("");
        let ok = !host.is_empty()
            && !host.starts_with(':')
            && url.len() <= 2000
            && !url.chars().any(|c| c.is_whitespace() || c.is_control());
        if ok {
            Ok(WebhookUrl(url.to_owned()))
        } else {
            Err(NotAWebhookUrl)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
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

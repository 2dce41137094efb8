//! The one way out of the process for HTTP: OpenID Connect discovery, JWKS and code exchange
//! today, webhooks next. Every fetch is guarded against server-side request forgery:
//!
//! - only `https` URLs (`http` too when private addresses are allowed, for development);
//! - the host is resolved by our own resolver, which refuses loopback, private, link-local,
//!   unique-local, carrier-grade NAT, metadata and other non-public addresses (IPv4 and IPv6,
//!   IPv4-mapped and NAT64 forms included). The connection goes to the address that was
//!   checked, so a second DNS answer cannot rebind it; IP literals are checked before sending;
//! - no redirect to another origin, short timeouts, a bounded response body, no proxy from
//!   the environment.
//!
//! Errors carry what the person can fix; the network detail is logged, never returned, so the
//! error text cannot be used as a port scanner.

use futures::FutureExt;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// The largest response body read from an outside server.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// Why an outbound fetch did not happen or failed, in terms the admin can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboundError {
    #[error("the address is not a valid absolute URL")]
    BadUrl,
    #[error("the address must start with https://")]
    Scheme,
    #[error("the address points to a private, loopback or internal network, which is not allowed")]
    Blocked,
    #[error("the server could not be reached or did not answer in time")]
    Unreachable,
    #[error("the server answered with HTTP status {0}")]
    Status(u16),
    #[error("the server redirected to another address")]
    Redirected,
    #[error("the server's answer is larger than {MAX_RESPONSE_BYTES} bytes")]
    TooLarge,
}

/// Whether `ip` is an address on the public internet. Everything else (loopback, private,
/// link-local with the cloud metadata address 169.254.169.254, unique-local, CGNAT,
/// documentation, multicast, reserved) is refused unless private addresses are allowed.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || a >= 240
        // 100.64.0.0/10 carrier-grade NAT (also Alibaba's metadata 100.100.100.200)
        || (a == 100 && (64..128).contains(&b))
        // 192.0.0.0/24 IETF protocol assignments, 198.18.0.0/15 benchmarking
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19)))
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // fc00::/7 unique local (AWS metadata fd00:ec2::254 among them)
        || (first & 0xfe00) == 0xfc00
        // fe80::/10 link-local, fec0::/10 deprecated site-local
        || (first & 0xffc0) == 0xfe80
        || (first & 0xffc0) == 0xfec0
        // 2001:db8::/32 documentation, 2001::/32 Teredo (tunnels to any IPv4 address)
        || (first == 0x2001 && matches!(ip.segments()[1], 0x0db8 | 0x0000)))
}

/// The IPv4 address an IPv6 address stands for: IPv4-mapped (`::ffff:a.b.c.d`), the old
/// IPv4-compatible form (`::a.b.c.d`), NAT64 (`64:ff9b::/96`) and 6to4 (`2002::/16`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    if s[..6] == [0, 0, 0, 0, 0, 0] && !(s[6] == 0 && s[7] <= 1) {
        return Some(tail(s[6], s[7]));
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(tail(s[6], s[7]));
    }
    if s[0] == 0x2002 {
        return Some(tail(s[1], s[2]));
    }
    None
}

/// Raised inside the resolver so the client's error chain says why it did not connect.
#[derive(Debug, thiserror::Error)]
#[error("every address of the host is non-public")]
struct BlockedAddress;

/// Resolves with the system resolver and keeps only the addresses the guard allows; reqwest
/// then connects to exactly those.
struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|addr| allow_private || is_public(addr.ip()))
                .collect();
            if allowed.is_empty() {
                return Err(Box::new(BlockedAddress) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        }
        .boxed()
    }
}

/// The guarded HTTP client, shared by everything that calls out.
#[derive(Clone)]
pub struct OutboundClient {
    http: reqwest::Client,
    allow_private: bool,
}

impl OutboundClient {
    /// `allow_private` (`OUTBOUND_ALLOW_PRIVATE`) lets fetches reach loopback and private
    /// addresses over http or https: for development and tests only.
    pub fn new(allow_private: bool, timeout: Duration) -> Result<Self, reqwest::Error> {
        Self::build(allow_private, timeout, true)
    }

    /// For webhooks: the same guard, and no redirect at all (a 3xx answer is a failure).
    pub fn without_redirects(
        allow_private: bool,
        timeout: Duration,
    ) -> Result<Self, reqwest::Error> {
        Self::build(allow_private, timeout, false)
    }

    fn build(
        allow_private: bool,
        timeout: Duration,
        same_origin_redirects: bool,
    ) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver { allow_private }))
            .connect_timeout(Duration::from_secs(3))
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                if !same_origin_redirects {
                    return attempt.stop();
                }
                let first = attempt.previous().first();
                let same_origin = first.is_some_and(|first| {
                    first.origin() == attempt.url().origin()
                        && first.scheme() == attempt.url().scheme()
                });
                if same_origin && attempt.previous().len() <= 3 {
                    attempt.follow()
                } else {
                    attempt.stop()
                }
            }))
            .user_agent("SkillStream LMS")
            .build()?;
        Ok(Self {
            http,
            allow_private,
        })
    }

    pub fn allows_private(&self) -> bool {
        self.allow_private
    }

    /// Parses `raw` and checks its scheme and, for an IP literal, its address. Host names are
    /// checked when they are resolved, at connection time.
    pub fn check_url(&self, raw: &str) -> Result<reqwest::Url, OutboundError> {
        let url = reqwest::Url::parse(raw.trim()).map_err(|_| OutboundError::BadUrl)?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_private => {}
            _ => return Err(OutboundError::Scheme),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(OutboundError::BadUrl);
        }
        let literal = match url.host() {
            None => return Err(OutboundError::BadUrl),
            Some(url::Host::Domain(_)) => None,
            Some(url::Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
            Some(url::Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
        };
        if literal.is_some_and(|ip| !self.allow_private && !is_public(ip)) {
            return Err(OutboundError::Blocked);
        }
        Ok(url)
    }

    pub fn get(&self, url: &str) -> Result<reqwest::RequestBuilder, OutboundError> {
        Ok(self.http.get(self.check_url(url)?))
    }

    pub fn post(&self, url: &str) -> Result<reqwest::RequestBuilder, OutboundError> {
        Ok(self.http.post(self.check_url(url)?))
    }

    /// Sends the request and reads at most [`MAX_RESPONSE_BYTES`] of the answer. Any status
    /// is returned; network failures are logged with their detail and answered generically.
    pub async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<(reqwest::StatusCode, Vec<u8>), OutboundError> {
        let mut response = request.send().await.map_err(|e| classify("send", &e))?;
        let status = response.status();
        if status.is_redirection() {
            tracing::warn!(status = status.as_u16(), origin = %origin(response.url()), "outbound fetch: redirect to another origin refused");
            return Err(OutboundError::Redirected);
        }
        if response
            .content_length()
            .is_some_and(|len| len > MAX_RESPONSE_BYTES as u64)
        {
            return Err(OutboundError::TooLarge);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| classify("read", &e))? {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(OutboundError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, body))
    }
}

impl OutboundClient {
    /// Sends the request and keeps at most `max` bytes of the answer (the rest is not read):
    /// for receivers whose answer only matters as a short excerpt. A redirect is a failure.
    pub async fn send_excerpt(
        &self,
        request: reqwest::RequestBuilder,
        max: usize,
    ) -> Result<(reqwest::StatusCode, Vec<u8>), OutboundError> {
        let mut response = request.send().await.map_err(|e| classify("send", &e))?;
        let status = response.status();
        if status.is_redirection() {
            return Err(OutboundError::Redirected);
        }
        let mut body = Vec::new();
        while body.len() < max {
            match response.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                Ok(None) => break,
                // The status is what counts; a body cut short is still an answer.
                Err(_) => break,
            }
        }
        body.truncate(max);
        Ok((status, body))
    }
}

fn classify(stage: &str, error: &reqwest::Error) -> OutboundError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if cause.is::<BlockedAddress>() {
            tracing::warn!(origin = ?error.url().map(origin), "outbound fetch: non-public address refused");
            return OutboundError::Blocked;
        }
        source = cause.source();
    }
    // reqwest's own text names the full URL: it is replaced by the origin.
    let mut chain = error_chain(error);
    if let Some(url) = error.url() {
        chain = chain.replace(url.as_str(), &origin(url));
    }
    tracing::warn!(origin = ?error.url().map(origin), stage, error = %chain, "outbound fetch failed");
    OutboundError::Unreachable
}

/// What the log may say of a URL: its origin. Paths and queries of webhook URLs often carry
/// the receiver's own secret (`/hooks/T0K3N`, `?token=`), and reqwest's error text would
/// repeat them, so the URL is replaced in the logged error chain too.
fn origin(url: &reqwest::Url) -> String {
    url.origin().ascii_serialization()
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn internal_addresses_are_not_public() {
        for addr in [
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.100.100.200",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip(addr)), "{addr} must be refused");
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for addr in [
            "93.184.216.34",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip(addr)), "{addr} must be allowed");
        }
    }

    #[test]
    fn urls_must_be_https_and_literals_public() {
        let guarded = OutboundClient::new(false, Duration::from_secs(1)).unwrap();
        assert!(guarded.check_url("https://idp.example.com/x").is_ok());
        assert_eq!(
            guarded.check_url("http://idp.example.com").err(),
            Some(OutboundError::Scheme)
        );
        assert_eq!(
            guarded.check_url("javascript:alert(1)").err(),
            Some(OutboundError::Scheme)
        );
        assert_eq!(
            guarded.check_url("file:///etc/passwd").err(),
            Some(OutboundError::Scheme)
        );
        assert_eq!(
            guarded.check_url("https://[::ffff:127.0.0.1]/").err(),
            Some(OutboundError::Blocked)
        );
        assert_eq!(
            guarded.check_url("https://169.254.169.254/latest").err(),
            Some(OutboundError::Blocked)
        );
        assert_eq!(
            guarded.check_url("https://user:pw@idp.example.com/").err(),
            Some(OutboundError::BadUrl)
        );
        let open = OutboundClient::new(true, Duration::from_secs(1)).unwrap();
        assert!(open.check_url("http://127.0.0.1:9/").is_ok());
        assert_eq!(
            open.check_url("javascript:alert(1)").err(),
            Some(OutboundError::Scheme)
        );
    }
}

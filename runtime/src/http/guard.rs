//! What every request goes through before its route: the `Host` check (against DNS
//! rebinding), the admin token on `/api/*`, pre-flights, and the answer's headers.
//!
//! Matches pico-engine where a browser needs it: `OPTIONS` on any path is answered 200 with
//! `Allow`, and the pico routes (`/c/...`, `/sky/...`, which web applications call from
//! other origins with an ECI they were given) allow any origin. Unlike the reference,
//! `/api/*` (management: every ECI, any pico's log, flushing by URL) sends no CORS headers,
//! so a web page the user visits cannot read it, and needs the admin token when one is set,
//! so it cannot drive it either. Helmet's default security headers go on every answer.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::HttpApi;
use super::routes::error_response;

/// The cookie a browser keeps the admin token in, set when a page is opened with
/// `?token=...` (as Jupyter does), so the page's own requests carry it.
pub const TOKEN_COOKIE: &str = "krl-token";

pub(super) async fn guard(State(api): State<Arc<HttpApi>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let pico_route = path.starts_with("/c/") || path.starts_with("/sky/");
    let management = path == "/api" || path.starts_with("/api/");
    let mut response = if let Some(host) = refused_host(&api.options.allowed_hosts, request.headers()) {
        error_response(
            StatusCode::FORBIDDEN,
            format!(
                "Forbidden: the Host `{host}` is not one this engine serves (add it with `krl run --allow-host`)"
            ),
        )
    } else if request.method() == Method::OPTIONS {
        let mut response = Response::new(axum::body::Body::empty());
        let allowed = HeaderValue::from_static("POST, GET, OPTIONS");
        response.headers_mut().insert(header::ALLOW, allowed.clone());
        if pico_route {
            response
                .headers_mut()
                .insert(header::ACCESS_CONTROL_ALLOW_METHODS, allowed);
        }
        response
    } else if !management {
        next.run(request).await
    } else {
        match token_check(api.options.admin_token.as_deref(), &request) {
            TokenCheck::Refused => error_response(
                StatusCode::UNAUTHORIZED,
                "Unauthorized: `/api` needs the admin token `krl run` printed (`Authorization: Bearer <token>` or `?token=<token>`)"
                    .to_string(),
            ),
            TokenCheck::Passed => next.run(request).await,
            TokenCheck::FromQuery(token) => {
                let mut response = next.run(request).await;
                if let Some(cookie) = token_cookie(&token) {
                    response.headers_mut().append(header::SET_COOKIE, cookie);
                }
                response
            }
        }
    };
    let headers = response.headers_mut();
    if pico_route {
        for (name, value) in CORS_HEADERS {
            headers.insert(*name, HeaderValue::from_static(value));
        }
    }
    for (name, value) in SECURITY_HEADERS {
        headers.insert(*name, HeaderValue::from_static(value));
    }
    response
}

/// The Host header's name when it is not one this engine answers to. Names a DNS-rebinding
/// page could use are refused; IP addresses cannot be rebound (the page's origin is the
/// address itself) and `localhost` never leaves the machine, so they always pass. A request
/// without a Host header (HTTP/1.0, not a browser) passes.
pub(super) fn refused_host(allowed: &[String], headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?;
    let Ok(host) = host.to_str() else {
        return Some(String::from_utf8_lossy(host.as_bytes()).into_owned());
    };
    let name = host_name(host).to_ascii_lowercase();
    let trimmed = name.trim_end_matches('.');
    let passes = trimmed.parse::<IpAddr>().is_ok()
        || trimmed == "localhost"
        || trimmed.ends_with(".localhost")
        || allowed
            .iter()
            .any(|allowed| allowed == "*" || allowed.trim_end_matches('.').eq_ignore_ascii_case(trimmed));
    (!passes).then(|| host.to_string())
}

/// The name part of a Host header value: without the port, an IPv6 address without its
/// brackets.
fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// The `Set-Cookie` value that keeps `token` in the browser for the page's own `/api`
/// requests. Only for `/api`: the pico routes hand every request header to KRL as the
/// event's `_headers` (and the pico's log shows them), so a cookie sent there would put the
/// token where any holder of the pico's UI channel could read it.
pub(super) fn token_cookie(token: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{TOKEN_COOKIE}={token}; Path=/api; HttpOnly; SameSite=Strict"
    ))
    .ok()
}

pub(super) enum TokenCheck {
    Passed,
    /// Passed with `?token=`: the answer sets the cookie.
    FromQuery(String),
    Refused,
}

pub(super) fn token_check(expected: Option<&str>, request: &Request) -> TokenCheck {
    let Some(expected) = expected else {
        return TokenCheck::Passed;
    };
    let headers = request.headers();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if bearer.is_some_and(|given| same_secret(given, expected)) {
        return TokenCheck::Passed;
    }
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(name, value)| name == TOKEN_COOKIE && same_secret(value, expected));
    if cookie {
        return TokenCheck::Passed;
    }
    // Looked up without parsing the whole query string: this runs before the token is known.
    let given = request
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="));
    match given {
        Some(given) if same_secret(given, expected) => TokenCheck::FromQuery(given.to_string()),
        _ => TokenCheck::Refused,
    }
}

/// Compares in time independent of where the texts differ, so the token cannot be guessed
/// byte by byte from answer times.
fn same_secret(given: &str, expected: &str) -> bool {
    let (given, expected) = (given.as_bytes(), expected.as_bytes());
    given.len() == expected.len() && given.iter().zip(expected).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// pico-engine's CORS headers, sent on the pico routes only, with `Idempotency-Key` allowed
/// too so that a page on another origin can send events exactly once (docs/http.md).
const CORS_HEADERS: &[(&str, &str)] = &[
    ("access-control-allow-origin", "*"),
    (
        "access-control-allow-headers",
        "Origin, X-Requested-With, Content-Type, Accept, Idempotency-Key",
    ),
];

/// Helmet's default security headers (without `upgrade-insecure-requests`, which breaks
/// plain-HTTP use), as pico-engine sends them.
const SECURITY_HEADERS: &[(&str, &str)] = &[
    (
        "content-security-policy",
        "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';\
         frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';\
         script-src-attr 'none';style-src 'self' https: 'unsafe-inline'",
    ),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("origin-agent-cluster", "?1"),
    ("referrer-policy", "no-referrer"),
    ("x-content-type-options", "nosniff"),
    ("x-dns-prefetch-control", "off"),
    ("x-download-options", "noopen"),
    ("x-frame-options", "SAMEORIGIN"),
    ("x-permitted-cross-domain-policies", "none"),
    ("x-xss-protection", "0"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(allowed: &[&str], host: &str) -> bool {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_str(host).expect("a header value"));
        let allowed: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
        refused_host(&allowed, &headers).is_some()
    }

    #[test]
    fn hosts_are_loopback_names_addresses_or_listed() {
        for host in [
            "localhost:3000",
            "LOCALHOST",
            "app.localhost:80",
            "127.0.0.1:3000",
            "[::1]:3000",
            "10.0.0.7",
        ] {
            assert!(!refused(&[], host), "{host}");
        }
        assert!(refused(&[], "evil.example:3000"));
        assert!(refused(&[], "localhost.evil.example"));
        assert!(!refused(&["picos.example.org"], "Picos.Example.org:443"));
        assert!(!refused(&["*"], "anything.example"));
        assert!(
            HeaderMap::new().get(header::HOST).is_none() && refused_host(&[], &HeaderMap::new()).is_none()
        );
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abd", "abc"));
        assert!(!same_secret("ab", "abc"));
        assert!(!same_secret("", "abc"));
    }
}

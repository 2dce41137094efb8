//! `X-Request-Id`: every response carries one. An incoming id of 1–64 visible ASCII characters
//! is kept (a proxy's or a client's, so logs line up across systems); otherwise one is made.
//! The id is in the request's log span and on the events the request causes.

use actix_web::{HttpMessage, HttpRequest};

pub const HEADER: &str = "x-request-id";

/// The id of a request, kept in its extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    /// The incoming header's value when it is 1–64 visible ASCII characters, else a new id.
    pub fn from_header(value: Option<&[u8]>) -> Self {
        match value {
            Some(bytes)
                if (1..=64).contains(&bytes.len())
                    && bytes.iter().all(|b| (0x21..=0x7e).contains(b)) =>
            {
                Self(String::from_utf8_lossy(bytes).into_owned())
            }
            _ => Self(crate::tokens::random_token(12)),
        }
    }
}

/// The request's id, when the middleware gave it one.
pub fn of(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(|id| id.0.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_incoming_id_is_kept_and_anything_else_replaced() {
        assert_eq!(RequestId::from_header(Some(b"abc-123")).0, "abc-123");
        let long = [b'a'; 65];
        for bad in [
            &b""[..],
            b"has space",
            b"tab\there",
            "é".as_bytes(),
            &long[..],
        ] {
            let made = RequestId::from_header(Some(bad)).0;
            assert_ne!(made.as_bytes(), bad);
            assert!(made.len() >= 16 && made.bytes().all(|b| b.is_ascii_graphic()));
        }
        assert_ne!(RequestId::from_header(None), RequestId::from_header(None));
    }
}

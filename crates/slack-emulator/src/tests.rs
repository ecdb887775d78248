//! End-to-end tests over real HTTP: requests are written by hand on a TCP socket, the way any
//! client's bytes would arrive, so encoding, headers and status codes are checked as sent.
//!
//! This file is the harness the theme files below share (`use super::*`): a raw HTTP/1.1
//! client, and a fake with two people and #general.

mod faults;
mod handle;
mod methods;
mod socket_mode;
mod strictness;
mod transport;

use super::*;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TOKEN: &str = "xoxb-test-token";

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`, so the server ends the
/// reply by closing).
async fn send(
    fake: &FakeSlack,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut stream = TcpStream::connect(fake.addr).await.unwrap();
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        fake.addr,
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

const BEARER: &str = "Bearer xoxb-test-token";

async fn post_json(fake: &FakeSlack, method: &str, body: Value) -> Reply {
    send(
        fake,
        "POST",
        &format!("/api/{method}"),
        &[
            ("Authorization", BEARER),
            ("Content-Type", "application/json; charset=utf-8"),
        ],
        body.to_string().as_bytes(),
    )
    .await
}

async fn post_form(fake: &FakeSlack, method: &str, form: &[(&str, &str)]) -> Reply {
    let body = serde_urlencoded::to_string(form).unwrap();
    send(
        fake,
        "POST",
        &format!("/api/{method}"),
        &[
            ("Authorization", BEARER),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        body.as_bytes(),
    )
    .await
}

async fn get(fake: &FakeSlack, method: &str, query: &[(&str, &str)]) -> Reply {
    let query = serde_urlencoded::to_string(query).unwrap();
    send(
        fake,
        "GET",
        &format!("/api/{method}?{query}"),
        &[("Authorization", BEARER)],
        b"",
    )
    .await
}

async fn fake() -> FakeSlack {
    let fake = FakeSlack::start(TOKEN).await.unwrap();
    fake.add_user("U1", "alice");
    fake.add_user("U2", "bob");
    fake.add_channel("C0GENERAL", "general", &["U1"]);
    fake
}

//! The one HTTP client stack warroom sends with: hyper-util's pooled client over
//! hyper-rustls (native roots; plain `http://` allowed, for a local fake or a proxy). The
//! Slack Web API client is built on [`connector`] too; PagerDuty and webhooks use
//! [`HttpClient`].

use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

pub type Connector = HttpsConnector<HttpConnector>;

/// Answers are read (so the connection goes back to the pool) up to this size, then dropped.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// HTTPS with the system's roots, or plain HTTP; HTTP/1.1.
pub fn connector() -> std::io::Result<Connector> {
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()?
        .https_or_http()
        .enable_http1()
        .build())
}

/// What went wrong before an answer arrived.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("timed out")]
    Timeout,
    #[error("{0}")]
    Transport(String),
}

/// A status and headers; the body is read and discarded.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
}

#[derive(Clone)]
pub struct HttpClient {
    client: Client<Connector, Full<Bytes>>,
}

impl HttpClient {
    pub fn new() -> std::io::Result<HttpClient> {
        Ok(HttpClient::with_connector(connector()?))
    }

    pub fn with_connector(connector: Connector) -> HttpClient {
        HttpClient {
            client: Client::builder(TokioExecutor::new()).build(connector),
        }
    }

    /// POSTs `body` with `content_type` and `headers`; `timeout` covers connecting, sending
    /// and reading the answer.
    pub async fn post(
        &self,
        url: &str,
        content_type: &str,
        body: Vec<u8>,
        headers: &[(&str, String)],
        timeout: Duration,
    ) -> Result<Answer, SendError> {
        let mut req = Request::post(url).header(http::header::CONTENT_TYPE, content_type);
        for (name, value) in headers {
            req = req.header(*name, value);
        }
        let req = req
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| SendError::Transport(format!("bad request to {url}: {e}")))?;
        let exchange = async {
            let res = self
                .client
                .request(req)
                .await
                .map_err(|e| SendError::Transport(describe(&e)))?;
            let (parts, body) = res.into_parts();
            // Read the answer so the connection can be reused; its content is not used.
            let _ = Limited::new(body, MAX_ANSWER_BYTES).collect().await;
            Ok(Answer {
                status: parts.status,
                headers: parts.headers,
            })
        };
        tokio::time::timeout(timeout, exchange)
            .await
            .unwrap_or(Err(SendError::Timeout))
    }
}

impl HttpClient {
    /// Sends `method` to `url` (a body only when given) and reads the answer as JSON, up to
    /// [`MAX_JSON_BYTES`]: for the console's OpenID Connect calls.
    pub async fn json(
        &self,
        method: http::Method,
        url: &str,
        body: Option<(&str, Vec<u8>)>,
        headers: &[(&str, String)],
        timeout: Duration,
    ) -> Result<(StatusCode, serde_json::Value), SendError> {
        let answer = self.request(method, url, body, headers, timeout).await?;
        let value = serde_json::from_slice(&answer.body)
            .map_err(|e| SendError::Transport(format!("answer is not JSON: {e}")))?;
        Ok((answer.status, value))
    }

    /// Sends `method` to `url` (a body only when given) and reads the whole answer, up to
    /// [`MAX_JSON_BYTES`]; `timeout` covers connecting, sending and reading.
    pub async fn request(
        &self,
        method: http::Method,
        url: &str,
        body: Option<(&str, Vec<u8>)>,
        headers: &[(&str, String)],
        timeout: Duration,
    ) -> Result<FullAnswer, SendError> {
        let mut req = Request::builder().method(method).uri(url);
        for (name, value) in headers {
            req = req.header(*name, value);
        }
        let payload = match body {
            Some((content_type, bytes)) => {
                req = req.header(http::header::CONTENT_TYPE, content_type);
                Bytes::from(bytes)
            }
            None => Bytes::new(),
        };
        let req = req
            .body(Full::new(payload))
            .map_err(|e| SendError::Transport(format!("bad request to {url}: {e}")))?;
        let exchange = async {
            let res = self
                .client
                .request(req)
                .await
                .map_err(|e| SendError::Transport(describe(&e)))?;
            let (parts, body) = res.into_parts();
            let body = Limited::new(body, MAX_JSON_BYTES)
                .collect()
                .await
                .map_err(|e| SendError::Transport(format!("reading the answer: {e}")))?
                .to_bytes();
            Ok(FullAnswer {
                status: parts.status,
                headers: parts.headers,
                body,
            })
        };
        tokio::time::timeout(timeout, exchange)
            .await
            .unwrap_or(Err(SendError::Timeout))
    }
}

/// A status, headers and the body as read.
#[derive(Debug)]
pub struct FullAnswer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Largest answer [`HttpClient::request`] and [`HttpClient::json`] read.
const MAX_JSON_BYTES: usize = 1024 * 1024;

/// The error and its causes on one line (hyper's own message is only "client error").
fn describe(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

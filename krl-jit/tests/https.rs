//! `https://` URLs against a local TLS server with a self-signed certificate that the engine's
//! client is told to trust (`trust_root_certificates`): `http:get`, registering a ruleset by
//! URL and `event:send` to another engine; and a server whose certificate is not trusted,
//! which fails with a certificate error.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Engine, EngineOptions, trust_root_certificates};
use krl_runtime::value::Map;

/// What the server answers for `/ruleset.krl`.
const SERVED: &str = r#"
ruleset test.served {
  meta { shares hello }
  global { hello = function() { "from https" } }
}
"#;

/// Makes a self-signed certificate for 127.0.0.1: (certificate PEM, server config).
fn certificate() -> (String, Arc<rustls::ServerConfig>) {
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).expect("a certificate");
    let cert = rustls_pki_types::CertificateDer::from(made.cert.der().to_vec());
    let key = rustls_pki_types::PrivateKeyDer::Pkcs8(made.key_pair.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("default versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .expect("a server config");
    (made.cert.pem(), Arc::new(config))
}

/// A TLS server on 127.0.0.1: `/ruleset.krl` answers [`SERVED`], anything else `{"ok":
/// true}`; each request line is sent to the returned receiver. Returns its `https://` base.
fn server(config: Arc<rustls::ServerConfig>) -> (String, Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let base = format!("https://{}", listener.local_addr().expect("an address"));
    let (seen, requests) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (config, seen) = (Arc::clone(&config), seen.clone());
            std::thread::spawn(move || answer(stream, config, seen));
        }
    });
    (base, requests)
}

fn answer(stream: TcpStream, config: Arc<rustls::ServerConfig>, seen: Sender<String>) {
    let Ok(connection) = rustls::ServerConnection::new(config) else {
        return;
    };
    let mut tls = rustls::StreamOwned::new(connection, stream);
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") {
        match tls.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            // A client that refused the certificate ends here.
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).to_string();
    let request_line = head.lines().next().unwrap_or("").to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_string())
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    let _ = tls.read_exact(&mut body);
    let _ = seen.send(request_line.clone());
    let (content_type, text) = if request_line.contains(" /ruleset.krl ") {
        ("text/plain", SERVED.to_string())
    } else {
        ("application/json", r#"{"ok":true}"#.to_string())
    };
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
        text.len()
    );
    let _ = tls.write_all(response.as_bytes());
    let _ = tls.flush();
    tls.conn.send_close_notify();
    let _ = tls.flush();
}

/// The trusted server, set up once per test process (the client's trust anchors are fixed
/// at its first request).
fn trusted() -> &'static (String, std::sync::Mutex<Receiver<String>>) {
    static SERVER: std::sync::OnceLock<(String, std::sync::Mutex<Receiver<String>>)> =
        std::sync::OnceLock::new();
    SERVER.get_or_init(|| {
        let (pem, config) = certificate();
        trust_root_certificates(&pem).expect("the certificate is added");
        let (base, requests) = server(config);
        (base, std::sync::Mutex::new(requests))
    })
}

const CLIENT: &str = r#"
ruleset test.client {
  meta { shares fetch }
  global { fetch = function(url) { http:get(url){"content"} } }
  rule send {
    select when t send
    event:send({"eci": "remote-eci", "domain": "d", "type": "t"}, host = event:attrs{"host"})
  }
}
"#;

fn engine_with_client() -> (Engine, String) {
    let engine = Engine::new(Arc::new(InterpreterBackend), EngineOptions::default());
    engine.register("file:///client.krl", CLIENT).expect("compiles");
    let root = engine.root_pico().to_string();
    engine
        .install(&root, "file:///client.krl", Map::new())
        .expect("installs");
    let eci = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id;
    (engine, eci)
}

#[test]
fn http_get_fetches_an_https_url() {
    let (base, _) = trusted();
    let (engine, eci) = engine_with_client();
    let mut args = Map::new();
    args.insert("url", Value::string(format!("{base}/data")));
    let content = engine
        .query(&eci, "test.client", "fetch", Value::map(args))
        .expect("the request succeeds");
    assert_eq!(content.as_str(), Some(r#"{"ok":true}"#));
}

#[test]
fn rulesets_register_from_https_urls() {
    let (base, _) = trusted();
    let engine = Engine::new(Arc::new(InterpreterBackend), EngineOptions::default());
    let rid = engine
        .flush(&format!("{base}/ruleset.krl"))
        .expect("fetched and compiled");
    assert_eq!(rid, "test.served");
}

#[test]
fn events_are_sent_to_https_hosts() {
    let (base, requests) = trusted();
    let (engine, eci) = engine_with_client();
    let mut attrs = Map::new();
    attrs.insert("host", Value::string(base.as_str()));
    engine
        .event_wait(&eci, "t", "send", Value::map(attrs))
        .expect("the event runs");
    let requests = requests.lock().expect("not poisoned");
    let wanted = "POST /c/remote-eci/event/d/t HTTP/1.1";
    let arrived =
        std::iter::from_fn(|| requests.recv_timeout(Duration::from_secs(10)).ok()).any(|line| line == wanted);
    assert!(arrived, "the event arrived over TLS");
}

#[test]
fn untrusted_certificates_are_refused() {
    trusted();
    let (_, config) = certificate();
    let (base, _) = server(config);
    let (engine, eci) = engine_with_client();
    let mut args = Map::new();
    args.insert("url", Value::string(format!("{base}/data")));
    let err = engine
        .query(&eci, "test.client", "fetch", Value::map(args))
        .expect_err("an unknown certificate authority");
    let text = err.to_string();
    assert!(text.contains(&format!("request to {base}/data failed")), "{text}");
    assert!(text.to_ascii_lowercase().contains("certificate"), "{text}");
}

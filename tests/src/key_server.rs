//! A JWK Set server on a loopback port, over http or https (a test CA made with
//! `rcgen`), whose answer a test changes as it goes: the document, the status, its
//! `Cache-Control`, a delay, a chunked body. It counts the fetches it answers and also
//! serves an `OpenID Connect` discovery document.

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpResponse, HttpServer, web};
use serde_json::{Value, json};

/// What the server answers to `GET /jwks`.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
    /// A `Cache-Control` header, if any.
    pub cache_control: Option<String>,
    /// How long the server waits before it answers.
    pub delay: Duration,
    /// Send the body chunked (without `Content-Length`).
    pub chunked: bool,
}

impl Answer {
    /// 200 with this JSON document.
    #[must_use]
    pub fn json(document: &Value) -> Self {
        Answer {
            status: 200,
            body: document.to_string().into_bytes(),
            cache_control: None,
            delay: Duration::ZERO,
            chunked: false,
        }
    }
}

#[derive(Debug)]
struct State {
    answer: Mutex<Answer>,
    fetches: AtomicUsize,
    discovery_fetches: AtomicUsize,
    /// The issuer the discovery document names (its own origin unless set).
    issuer: Mutex<Option<String>>,
    origin: String,
}

/// A running key server, stopped when dropped.
#[derive(Debug)]
pub struct KeyServer {
    state: Arc<State>,
    handle: ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
    ca_pem: Option<String>,
}

/// The test CA's certificate (PEM) and the server's TLS configuration for `localhost`
/// and `127.0.0.1`.
fn tls() -> (String, rustls::ServerConfig) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "jwt-runtime test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(leaf.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .unwrap();
    (ca.pem(), config)
}

async fn jwks(state: web::Data<Arc<State>>) -> HttpResponse {
    state.fetches.fetch_add(1, Ordering::SeqCst);
    let answer = state.answer.lock().unwrap().clone();
    if !answer.delay.is_zero() {
        actix_web::rt::time::sleep(answer.delay).await;
    }
    let mut response =
        HttpResponse::build(actix_web::http::StatusCode::from_u16(answer.status).unwrap());
    response.content_type("application/json");
    if let Some(cache_control) = &answer.cache_control {
        response.insert_header(("Cache-Control", cache_control.as_str()));
    }
    if answer.chunked {
        let chunks: Vec<Result<web::Bytes, actix_web::Error>> = answer
            .body
            .chunks(64 * 1024)
            .map(|chunk| Ok(web::Bytes::copy_from_slice(chunk)))
            .collect();
        return response.streaming(futures_util::stream::iter(chunks));
    }
    response.body(answer.body)
}

async fn discovery(state: web::Data<Arc<State>>) -> HttpResponse {
    state.discovery_fetches.fetch_add(1, Ordering::SeqCst);
    let issuer = state
        .issuer
        .lock()
        .unwrap()
        .clone()
        .unwrap_or_else(|| state.origin.clone());
    HttpResponse::Ok().json(json!({
        "issuer": issuer,
        "jwks_uri": format!("{}/jwks", state.origin),
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
}

impl KeyServer {
    /// A server over http, answering `answer`.
    #[must_use]
    pub fn http(answer: Answer) -> Self {
        Self::start(answer, false)
    }

    /// A server over https with a certificate of a fresh test CA ([`ca_pem`](Self::ca_pem)).
    #[must_use]
    pub fn https(answer: Answer) -> Self {
        Self::start(answer, true)
    }

    fn start(answer: Answer, https: bool) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let scheme = if https { "https" } else { "http" };
        let host = if https { "localhost" } else { "127.0.0.1" };
        let state = Arc::new(State {
            answer: Mutex::new(answer),
            fetches: AtomicUsize::new(0),
            discovery_fetches: AtomicUsize::new(0),
            issuer: Mutex::new(None),
            origin: format!("{scheme}://{host}:{port}"),
        });
        let (ca_pem, tls) = if https {
            let (ca, config) = tls();
            (Some(ca), Some(config))
        } else {
            (None, None)
        };
        let (sender, receiver) = std::sync::mpsc::channel();
        let shared = Arc::clone(&state);
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let data = web::Data::new(shared);
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(data.clone())
                        .route("/jwks", web::get().to(jwks))
                        .route(
                            "/.well-known/openid-configuration",
                            web::get().to(discovery),
                        )
                })
                .workers(1)
                .disable_signals()
                .shutdown_timeout(1);
                let server = match tls {
                    Some(config) => server.listen_rustls_0_23(listener, config),
                    None => server.listen(listener),
                }
                .unwrap()
                .run();
                sender.send(server.handle()).unwrap();
                let _ = server.await;
            });
        });
        let handle = receiver.recv().unwrap();
        KeyServer {
            state,
            handle,
            thread: Some(thread),
            ca_pem,
        }
    }

    /// The URL of the key set.
    #[must_use]
    pub fn url(&self) -> String {
        format!("{}/jwks", self.state.origin)
    }

    /// The issuer whose discovery document this server serves (its origin).
    #[must_use]
    pub fn issuer(&self) -> String {
        self.state.origin.clone()
    }

    /// Makes the discovery document name another issuer.
    pub fn claim_issuer(&self, issuer: &str) {
        *self.state.issuer.lock().unwrap() = Some(issuer.to_owned());
    }

    /// The test CA's certificate, for an https server.
    #[must_use]
    pub fn ca_pem(&self) -> &str {
        self.ca_pem.as_deref().unwrap()
    }

    /// Answers `answer` from now on.
    pub fn answer(&self, answer: Answer) {
        *self.state.answer.lock().unwrap() = answer;
    }

    /// Answers this document (200) from now on.
    pub fn serve(&self, document: &Value) {
        self.answer(Answer::json(document));
    }

    /// How many times the key set was fetched.
    #[must_use]
    pub fn fetches(&self) -> usize {
        self.state.fetches.load(Ordering::SeqCst)
    }

    /// How many times the discovery document was fetched.
    #[must_use]
    pub fn discovery_fetches(&self) -> usize {
        self.state.discovery_fetches.load(Ordering::SeqCst)
    }
}

impl Drop for KeyServer {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        let stopped = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(handle.stop(false));
        });
        let _ = stopped.join();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

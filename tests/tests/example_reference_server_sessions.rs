//! The reference server's sessions (`shared/reference-server.md`: "Revocation shared by many
//! servers", "Refresh-token rotation", "Implicit refresh of cookie sessions"), black-box:
//! rotation and reuse, a stolen refresh token, the reuse grace, concurrent refreshes with
//! one token, servers sharing one Redis (also a Redis Cluster, and Redis Sentinel),
//! `/revoke-all`, the start-up refusals, and the renewal of access cookies. In-process
//! through `actix_web::test` (the memory store), and as real processes over TCP (memory or
//! Redis).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

#[path = "../../examples/reference_server.rs"]
#[allow(unreachable_pub, reason = "an example's items, included as a module")]
mod example;

use std::collections::{BTreeSet, HashMap};
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::Barrier;
use std::time::Duration;

use actix_http::Request;
use actix_web::App;
use actix_web::body::MessageBody;
use actix_web::cookie::Cookie;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::ContentType;
use actix_web::rt::{System, SystemRunner};
use actix_web::test::{self, TestRequest};
use jwt_runtime::{JwtConfig, JwtManager};
use jwt_tests::server::{ExampleServer, example_binary};
use jwt_tests::{Reply, SECRET, call, json_post, msg, redis_prefix, redis_url, send, with_bearer};
use serde_json::{Value, json};

/// Rotation on, with the revocation store it needs.
const ROTATION: [(&str, &str); 2] = [
    ("JWT_BLACKLIST_ENABLED", "true"),
    ("JWT_REFRESH_ROTATION", "true"),
];

/// The access-token cookie and its CSRF cookie (the default names).
const ACCESS_COOKIE: &str = "access_token_cookie";
const ACCESS_CSRF_COOKIE: &str = "csrf_access_token";

/// How many clients present one refresh token at once.
const CLIENTS: usize = 50;

/// `ROTATION` and `extra`.
fn with_rotation<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    ROTATION.iter().chain(extra).copied().collect()
}

/// A reference server a test talks to: in-process or a real process.
trait Server {
    /// `method path` with a bearer `token` (none when empty) and a JSON `body`:
    /// `(status, JSON body)`.
    fn request(&self, method: &str, path: &str, token: &str, body: Option<&Value>) -> (u16, Value);
}

impl Server for ExampleServer {
    fn request(&self, method: &str, path: &str, token: &str, body: Option<&Value>) -> (u16, Value) {
        ExampleServer::request(self, method, path, token, body)
    }
}

/// The App `actix_web::test::init_service` makes.
trait Served:
    Service<Request, Response = ServiceResponse<Self::Body>, Error = actix_web::Error>
{
    type Body: MessageBody;
}

impl<S, B: MessageBody> Served for S
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    type Body = B;
}

/// The example's routes in-process, on the example's in-memory store, driven synchronously.
struct InProcess<S> {
    system: SystemRunner,
    app: S,
    manager: JwtManager,
}

/// The in-process server configured by `env` (the test secret unless given).
fn in_process(env: &[(&str, &str)]) -> InProcess<impl Served + use<>> {
    let mut vars: HashMap<&str, &str> = env.iter().copied().collect();
    vars.entry("JWT_SECRET_KEY").or_insert(SECRET);
    let config = JwtConfig::from_lookup(|name| vars.get(name).map(|v| (*v).to_owned())).unwrap();
    let manager = example::build_manager(config).unwrap();
    let system = System::new();
    let app = App::new().wrap(manager.clone()).configure(example::routes);
    let app = system.block_on(test::init_service(app));
    InProcess {
        system,
        app,
        manager,
    }
}

impl<S: Served> InProcess<S> {
    /// The whole answer to `request`.
    fn reply(&self, request: TestRequest) -> Reply {
        self.system.block_on(call(&self.app, request.to_request()))
    }
}

impl<S: Served> Server for InProcess<S> {
    fn request(&self, method: &str, path: &str, token: &str, body: Option<&Value>) -> (u16, Value) {
        let mut request = TestRequest::default()
            .method(method.parse().unwrap())
            .uri(path);
        if !token.is_empty() {
            request = with_bearer(request, token);
        }
        if let Some(body) = body {
            request = request
                .insert_header(ContentType::json())
                .set_payload(body.to_string());
        }
        let (status, body) = self.system.block_on(send(&self.app, request));
        (status.as_u16(), body)
    }
}

/// A real server with rotation, the test secret and `extra`.
fn spawn(extra: &[(&str, &str)]) -> ExampleServer {
    let mut env = with_rotation(extra);
    env.push(("JWT_SECRET_KEY", SECRET));
    ExampleServer::spawn("reference_server", &env)
}

/// The test Redis, under a key prefix of one test.
struct Redis {
    url: String,
    prefix: String,
}

impl Redis {
    /// `None` (the test is skipped, saying so) without `REDIS_URL`.
    fn for_test(test: &str) -> Option<Self> {
        let url = redis_url(test)?;
        Some(Self {
            url,
            prefix: redis_prefix(test),
        })
    }

    /// A real server with rotation on this Redis, and `extra`.
    fn spawn(&self, extra: &[(&str, &str)]) -> ExampleServer {
        let mut env = vec![
            ("REDIS_URL", self.url.as_str()),
            ("REDIS_KEY_PREFIX", self.prefix.as_str()),
        ];
        env.extend_from_slice(extra);
        spawn(&env)
    }
}

/// The answer to a token the store refuses.
fn revoked() -> (u16, Value) {
    (401, msg("Token has been revoked"))
}

/// `/protected`'s answer to a valid access token of `identity`.
fn protected_body(identity: &str) -> Value {
    let role = if identity == "admin" { "admin" } else { "user" };
    json!({"identity": identity, "claims": {"roles": [role]}, "user": {"username": identity}})
}

/// The body of a login of `user` (whose password is its name).
fn credentials(user: &str) -> Value {
    json!({"username": user, "password": user})
}

/// The `(access_token, refresh_token)` of an answer that holds exactly these two.
fn pair(body: &Value) -> (String, String) {
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["access_token", "refresh_token"], "{body}");
    let token = |name: &str| body[name].as_str().unwrap().to_owned();
    (token("access_token"), token("refresh_token"))
}

/// The tokens of a `/login` of `user`.
fn login(server: &dyn Server, user: &str) -> (String, String) {
    let (status, body) = server.request("POST", "/login", "", Some(&credentials(user)));
    assert_eq!(status, 200, "{body}");
    pair(&body)
}

/// The new pair a `/refresh` with `refresh` answers.
fn refreshed(server: &dyn Server, refresh: &str) -> (String, String) {
    let (status, body) = server.request("POST", "/refresh", refresh, None);
    assert_eq!(status, 200, "{body}");
    pair(&body)
}

/// A token of `identity` from `/token`, of `kind` (`access` or `refresh`).
fn token(server: &dyn Server, identity: &str, kind: &str) -> String {
    let body = json!({"identity": identity, "type": kind});
    let (status, body) = server.request("POST", "/token", "", Some(&body));
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

/// Asserts that `access` is a working access token of `identity` on `server`.
fn assert_works(server: &dyn Server, access: &str, identity: &str) {
    let answer = server.request("GET", "/protected", access, None);
    assert_eq!(answer, (200, protected_body(identity)));
}

/// Asserts that every server refuses the `access` tokens on `/protected` and the `refresh`
/// tokens on `/refresh` as revoked.
/// Servers that mirror a shared Redis apply a revocation made elsewhere about a round trip
/// later (the contract allows 100 ms): each server is first given until it refuses the
/// first access token (a bound far above that, never a measurement), then every token is
/// checked once. The tokens of one call share one revocation, so they arrive together.
fn assert_revoked(servers: &[&dyn Server], access: &[&str], refresh: &[&str]) {
    for server in servers {
        if let Some(first) = access.first() {
            let started = std::time::Instant::now();
            while server.request("GET", "/protected", first, None) != revoked()
                && started.elapsed() < Duration::from_secs(5)
            {
                std::thread::yield_now();
            }
        }
    }
    for (index, server) in servers.iter().enumerate() {
        for token in access {
            let answer = server.request("GET", "/protected", token, None);
            assert_eq!(answer, revoked(), "server {index}, access token {token}");
        }
        for token in refresh {
            let answer = server.request("POST", "/refresh", token, None);
            assert_eq!(answer, revoked(), "server {index}, refresh token {token}");
        }
    }
}

#[test]
fn rotation_spends_each_refresh_token_and_a_reuse_revokes_the_whole_login() {
    let server = in_process(&ROTATION);
    let (login_access, first) = login(&server, "test");
    let (access, second) = refreshed(&server, &first);
    assert_ne!(second, first);
    let family = |token: &str| {
        let claims = server.manager.decode_token(token).unwrap();
        claims.family().map(str::to_owned)
    };
    let login_family = family(&first);
    assert!(login_family.is_some(), "a login's refresh token has `fam`");
    for token in [&login_access, &access, &second] {
        assert_eq!(family(token), login_family, "{token}");
    }
    // The new refresh token works once.
    let (newest_access, third) = refreshed(&server, &second);
    for token in [&login_access, &access, &newest_access] {
        assert_works(&server, token, "test");
    }
    // The spent one again: the login is over, whoever holds its tokens.
    assert_eq!(server.request("POST", "/refresh", &first, None), revoked());
    assert_revoked(
        &[&server],
        &[&login_access, &access, &newest_access],
        &[&second, &third],
    );
}

/// The victim and the attacker hold the refresh token of one login; the victim refreshes
/// through `victim`, the attacker replays the token through `attacker`: the login is revoked
/// on both servers, the victim's new tokens and the attacker's alike.
fn a_replayed_refresh_token_revokes_the_login(victim: &dyn Server, attacker: &dyn Server) {
    let (stolen_access, stolen_refresh) = login(victim, "test");
    let (access, refresh) = refreshed(victim, &stolen_refresh);
    assert_works(attacker, &access, "test");
    assert_works(attacker, &stolen_access, "test");
    assert_eq!(
        attacker.request("POST", "/refresh", &stolen_refresh, None),
        revoked()
    );
    assert_revoked(
        &[victim, attacker],
        &[&stolen_access, &access],
        &[&stolen_refresh, &refresh],
    );
}

#[test]
fn a_stolen_refresh_token_replayed_after_the_victim_refreshed_ends_the_login_memory() {
    let server = spawn(&[]);
    a_replayed_refresh_token_revokes_the_login(&server, &server);
}

#[test]
fn a_stolen_refresh_token_replayed_after_the_victim_refreshed_ends_the_login_redis() {
    let Some(redis) = Redis::for_test("stolen_refresh_token") else {
        return;
    };
    let server = redis.spawn(&[]);
    a_replayed_refresh_token_revokes_the_login(&server, &server);
}

#[test]
fn within_the_reuse_grace_a_second_presenter_gets_the_same_refresh_token() {
    let server = in_process(&with_rotation(&[("JWT_REFRESH_REUSE_GRACE", "30")]));
    let (login_access, refresh) = login(&server, "admin");
    let (first_access, first) = refreshed(&server, &refresh);
    let (second_access, second) = refreshed(&server, &refresh);
    assert_eq!(second, first);
    assert_ne!(first, refresh);
    // The login stays valid: every access token works, and the successor rotates.
    for token in [&login_access, &first_access, &second_access] {
        assert_works(&server, token, "admin");
    }
    let (next_access, next) = refreshed(&server, &first);
    assert_ne!(next, first);
    assert_works(&server, &next_access, "admin");
}

/// `(status, JSON body)` of a whole HTTP/1.1 response.
fn parse_response(response: &str) -> (u16, Value) {
    let (head, body) = response
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("not an HTTP response: {response:?}"));
    let status = head.split(' ').nth(1).and_then(|code| code.parse().ok());
    let status = status.unwrap_or_else(|| panic!("no status in {head:?}"));
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// `CLIENTS` `/refresh` requests with one login's refresh token at once: the connections are
/// opened first, then every client writes its request when a barrier releases them all.
/// Each answer must come within 20 s.
fn concurrent_refreshes(server: &ExampleServer) -> Vec<(u16, Value)> {
    let (_, refresh) = login(server, "test");
    let request = format!(
        "POST /refresh HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {refresh}\r\nContent-Length: 0\r\n\r\n"
    );
    let barrier = Barrier::new(CLIENTS);
    std::thread::scope(|scope| {
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| {
                let mut stream = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(20)))
                    .unwrap();
                let (barrier, request) = (&barrier, &request);
                scope.spawn(move || {
                    barrier.wait();
                    stream.write_all(request.as_bytes()).unwrap();
                    let mut response = String::new();
                    stream
                        .read_to_string(&mut response)
                        .expect("an answer within 20 s");
                    parse_response(&response)
                })
            })
            .collect();
        clients.into_iter().map(|c| c.join().unwrap()).collect()
    })
}

/// Without a grace, exactly one of the concurrent presenters rotates; every other one is a
/// reuse.
fn one_concurrent_refresh_wins(server: &ExampleServer) {
    let answers = concurrent_refreshes(server);
    let (won, lost): (Vec<_>, Vec<_>) = answers.into_iter().partition(|(status, _)| *status == 200);
    assert_eq!(won.len(), 1, "{won:?}");
    assert!(lost.iter().all(|answer| *answer == revoked()), "{lost:?}");
    // The reuse revoked the login, the winner's new refresh token with it.
    let (_, winner) = pair(&won[0].1);
    assert_eq!(server.request("POST", "/refresh", &winner, None), revoked());
}

/// Within the grace, every concurrent presenter gets the one successor of the token.
fn concurrent_refreshes_share_one_successor(server: &ExampleServer) {
    let answers = concurrent_refreshes(server);
    assert!(
        answers.iter().all(|(status, _)| *status == 200),
        "{answers:?}"
    );
    let successors: BTreeSet<String> = answers.iter().map(|(_, body)| pair(body).1).collect();
    assert_eq!(successors.len(), 1, "{successors:?}");
}

#[test]
fn concurrent_refreshes_with_one_token_without_grace_memory() {
    one_concurrent_refresh_wins(&spawn(&[("WORKERS", "4")]));
}

#[test]
fn concurrent_refreshes_with_one_token_without_grace_redis() {
    let Some(redis) = Redis::for_test("concurrent_refreshes_without_grace") else {
        return;
    };
    one_concurrent_refresh_wins(&redis.spawn(&[("WORKERS", "4")]));
}

#[test]
fn concurrent_refreshes_with_one_token_within_grace_memory() {
    let server = spawn(&[("WORKERS", "4"), ("JWT_REFRESH_REUSE_GRACE", "30")]);
    concurrent_refreshes_share_one_successor(&server);
}

#[test]
fn concurrent_refreshes_with_one_token_within_grace_redis() {
    let Some(redis) = Redis::for_test("concurrent_refreshes_within_grace") else {
        return;
    };
    let server = redis.spawn(&[("WORKERS", "4"), ("JWT_REFRESH_REUSE_GRACE", "30")]);
    concurrent_refreshes_share_one_successor(&server);
}

#[test]
fn servers_sharing_redis_share_rotation_revocation_and_revoke_all() {
    let Some(redis) = Redis::for_test("servers_sharing_sessions") else {
        return;
    };
    let (a, b) = (redis.spawn(&[]), redis.spawn(&[]));
    // A refresh token spent on A, presented on B.
    a_replayed_refresh_token_revokes_the_login(&a, &b);

    // `/revoke` on A is refused on B.
    let alice = token(&a, "alice", "access");
    assert_works(&b, &alice, "alice");
    let answer = a.request("POST", "/revoke", &alice, None);
    assert_eq!(answer, (200, msg("Token revoked")));
    assert_revoked(&[&a, &b], &[&alice], &[]);

    // `/revoke-all` on A: carol's earlier tokens, wherever issued, are refused on both;
    // dave's keep working on both.
    let carol: Vec<String> = [&a, &b].map(|s| token(s, "carol", "access")).into();
    let carol_refresh = token(&b, "carol", "refresh");
    let dave: Vec<String> = [&a, &b].map(|s| token(s, "dave", "access")).into();
    let answer = a.request("POST", "/revoke-all", &carol[0], None);
    assert_eq!(answer, (200, msg("All tokens revoked")));
    let carol: Vec<&str> = carol.iter().map(String::as_str).collect();
    assert_revoked(&[&a, &b], &carol, &[&carol_refresh]);
    for server in [&a, &b] {
        for token in &dave {
            assert_works(server, token, "dave");
        }
    }
}

/// Two servers on one store (`env` names it), one mirrored and one direct: rotation,
/// `/revoke` and `/revoke-all` through either are refused by both.
fn two_servers_share_sessions(env: &[(&str, &str)]) {
    let mut direct = env.to_vec();
    direct.push(("REDIS_MIRROR", "false"));
    let (a, b) = (spawn(env), spawn(&direct));
    a_replayed_refresh_token_revokes_the_login(&a, &b);
    let alice = token(&b, "alice", "access");
    assert_works(&a, &alice, "alice");
    assert_eq!(
        a.request("POST", "/revoke", &alice, None),
        (200, msg("Token revoked"))
    );
    assert_revoked(&[&a, &b], &[&alice], &[]);
    let bob = token(&a, "bob", "access");
    assert_eq!(
        b.request("POST", "/revoke-all", &bob, None),
        (200, msg("All tokens revoked"))
    );
    assert_revoked(&[&a, &b], &[&bob], &[]);
}

#[test]
fn servers_on_a_redis_cluster_share_sessions() {
    let Some(cluster) = jwt_tests::redis_cluster::RedisCluster::start("servers_on_a_cluster")
    else {
        return;
    };
    let nodes = cluster.urls().join(",");
    two_servers_share_sessions(&[
        ("REDIS_URL", nodes.as_str()),
        ("REDIS_CLUSTER", "true"),
        ("REDIS_KEY_PREFIX", "{sessions}"),
    ]);
}

#[test]
fn servers_on_redis_sentinel_share_sessions() {
    use jwt_tests::redis_sentinel::{MASTER_NAME, RedisSentinel};
    let Some(setup) = RedisSentinel::start("servers_on_sentinel") else {
        return;
    };
    let sentinels = setup.sentinel_urls().join(",");
    two_servers_share_sessions(&[
        ("REDIS_URL", sentinels.as_str()),
        ("REDIS_SENTINEL_MASTER", MASTER_NAME),
    ]);
}

#[test]
fn redis_topology_options_are_checked_at_start() {
    let url = "redis://127.0.0.1:1/";
    let stderr = refused_at_start(&[("REDIS_URL", url), ("REDIS_CLUSTER", "yes")]);
    assert!(
        stderr.contains("REDIS_CLUSTER: invalid value `yes`"),
        "{stderr}"
    );
    let stderr = refused_at_start(&[("REDIS_URL", url), ("REDIS_MIRROR", "off")]);
    assert!(
        stderr.contains("REDIS_MIRROR: invalid value `off`"),
        "{stderr}"
    );
    let stderr = refused_at_start(&[
        ("REDIS_URL", url),
        ("REDIS_CLUSTER", "true"),
        ("REDIS_SENTINEL_MASTER", "jwt"),
    ]);
    assert!(stderr.contains("exclude each other"), "{stderr}");
    let stderr = refused_at_start(&[
        ("REDIS_URL", url),
        ("REDIS_CLUSTER", "true"),
        ("REDIS_KEY_PREFIX", "app:revoked"),
    ]);
    assert!(
        stderr.contains("REDIS_KEY_PREFIX: ") && stderr.contains("holds no hash tag"),
        "{stderr}"
    );
    // Nothing answers there: the store cannot start, so the server does not either.
    let stderr = refused_at_start(&[("REDIS_URL", url), ("REDIS_SENTINEL_MASTER", "jwt")]);
    assert!(stderr.contains("REDIS_URL:"), "{stderr}");
}

#[test]
fn revoke_all_refuses_the_identity_s_earlier_tokens_and_no_one_else_s() {
    // The in-process servers share the example's store: identities of this test only.
    let server = in_process(&[("JWT_BLACKLIST_ENABLED", "true")]);
    let (carol, dave) = ("revoke-all-carol", "revoke-all-dave");
    let carol_access = [
        token(&server, carol, "access"),
        token(&server, carol, "access"),
    ];
    let carol_refresh = token(&server, carol, "refresh");
    let dave_access = token(&server, dave, "access");
    let dave_refresh = token(&server, dave, "refresh");
    assert_works(&server, &carol_access[1], carol);
    let answer = server.request("POST", "/revoke-all", &carol_access[0], None);
    assert_eq!(answer, (200, msg("All tokens revoked")));
    let carol_access = carol_access.each_ref().map(String::as_str);
    assert_revoked(&[&server], &carol_access, &[&carol_refresh]);
    assert_works(&server, &dave_access, dave);
    let (status, body) = server.request("POST", "/refresh", &dave_refresh, None);
    assert_eq!(status, 200, "{body}");
    assert_works(&server, body["access_token"].as_str().unwrap(), dave);
}

/// Runs the server binary with `env` and asserts that it stops with a non-zero exit before
/// serving: what it wrote to stderr. Its port is taken, so a server that got past its
/// configuration stops at `bind` instead of running on.
fn refused_at_start(env: &[(&str, &str)]) -> String {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(example_binary("reference_server"))
        .env("JWT_SECRET_KEY", SECRET)
        .env("PORT", port)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "{env:?}: {:?}", output.status);
    stderr
}

#[test]
fn rotation_without_revocation_and_a_window_without_cookies_stop_the_server() {
    let stderr = refused_at_start(&[("JWT_REFRESH_ROTATION", "true")]);
    assert!(
        stderr.contains("JWT_REFRESH_ROTATION") && stderr.contains("JWT_BLACKLIST_ENABLED"),
        "{stderr}"
    );
    let stderr = refused_at_start(&[("JWT_IMPLICIT_REFRESH_WINDOW", "60")]);
    assert!(stderr.contains("JWT_IMPLICIT_REFRESH_WINDOW"), "{stderr}");
}

/// The access cookie a response set, as a request carries it.
fn access_cookie(reply: &Reply) -> Cookie<'static> {
    Cookie::new(
        ACCESS_COOKIE,
        reply.cookie(ACCESS_COOKIE).value().to_owned(),
    )
}

/// A cookie server with access tokens of 600 s, renewed within `window` seconds of their
/// expiry; tokens in `locations`.
fn cookie_server(locations: &str, window: &str) -> InProcess<impl Served + use<>> {
    in_process(&[
        ("JWT_TOKEN_LOCATION", locations),
        ("JWT_ACCESS_TOKEN_EXPIRES", "600"),
        ("JWT_IMPLICIT_REFRESH_WINDOW", window),
    ])
}

/// The access cookie of a `/cookie/login` of `user`.
fn cookie_login(server: &InProcess<impl Served>, user: &str) -> Cookie<'static> {
    let reply = server.reply(json_post("/cookie/login", credentials(user).to_string()));
    assert_eq!(reply.status, 200, "{}", reply.body);
    access_cookie(&reply)
}

/// The answer to a `GET /protected` with `cookie`: `admin`'s body, and the cookies it set.
fn protected_with(server: &InProcess<impl Served>, cookie: Cookie<'static>) -> Reply {
    let reply = server.reply(TestRequest::get().uri("/protected").cookie(cookie));
    assert_eq!(
        (reply.status.as_u16(), &reply.body),
        (200, &protected_body("admin"))
    );
    reply
}

#[test]
fn cookie_requests_within_the_window_get_a_new_access_cookie() {
    let server = cookie_server("cookies", "600");
    let login = cookie_login(&server, "admin");
    let reply = protected_with(&server, login.clone());
    let mut names = reply.cookie_names();
    names.sort();
    assert_eq!(names, [ACCESS_COOKIE, ACCESS_CSRF_COOKIE]);
    let renewed = reply.cookie(ACCESS_COOKIE);
    assert_ne!(renewed.value(), login.value());
    let claims = server.manager.decode_token(renewed.value()).unwrap();
    assert_eq!(claims.raw()["fresh"], false);
    assert_eq!(claims.identity_value(), &json!("admin"));
    assert_eq!(claims.user_claims_value(), &json!({"roles": ["admin"]}));
    assert_eq!(
        claims.raw()["csrf"],
        reply.cookie(ACCESS_CSRF_COOKIE).value()
    );

    // A 401 renews nothing: the renewed token is not fresh.
    let stale = access_cookie(&reply);
    let reply = server.reply(TestRequest::get().uri("/fresh").cookie(stale));
    let answer = (reply.status.as_u16(), &reply.body);
    assert_eq!(answer, (401, &msg("Fresh token required")));
    assert!(reply.set_cookie_lines().is_empty(), "{reply:?}");

    // A logout stays a logout: its unsets only.
    let reply = server.reply(TestRequest::post().uri("/cookie/logout").cookie(login));
    assert_eq!(
        (reply.status.as_u16(), &reply.body),
        (200, &json!({"logout": true}))
    );
    let cookies = reply.cookies();
    assert_eq!(cookies.len(), 4, "{cookies:?}");
    assert!(cookies.iter().all(|c| c.value().is_empty()), "{cookies:?}");
}

#[test]
fn header_tokens_are_never_renewed() {
    let server = cookie_server("cookies,headers", "600");
    let (access, _) = login(&server, "admin");
    let reply = server.reply(with_bearer(TestRequest::get().uri("/protected"), &access));
    let answer = (reply.status.as_u16(), &reply.body);
    assert_eq!(answer, (200, &protected_body("admin")));
    assert!(reply.set_cookie_lines().is_empty(), "{reply:?}");
    // The same server renews a cookie.
    let reply = protected_with(&server, cookie_login(&server, "admin"));
    assert_ne!(reply.cookie(ACCESS_COOKIE).value(), "");
}

#[test]
fn a_cookie_far_from_its_expiry_is_not_renewed() {
    let server = cookie_server("cookies", "60");
    let reply = protected_with(&server, cookie_login(&server, "admin"));
    assert!(reply.set_cookie_lines().is_empty(), "{reply:?}");
}

//! Over the wire: a real actix server on a loopback port, for a 10 MB header and the
//! raw header attacks `actix_web::test` cannot send.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

use actix_web::{HttpResponse, web};
use jwt_runtime::prelude::*;
use jwt_tests::Hits;
use jwt_tests::live::LiveServer;
use serde_json::Value;
use serde_json::json;

use super::{BAD_HEADER, MISSING_HEADER, build, hs};

#[jwt_required]
async fn counted(runs: web::Data<Hits>) -> HttpResponse {
    runs.hit();
    HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<Value>() }))
}

struct Server(LiveServer);

impl Server {
    fn start() -> Self {
        Server(LiveServer::start(build(hs()), |config| {
            config.route("/protected", web::route().to(counted));
        }))
    }

    fn runs(&self) -> usize {
        self.0.runs()
    }

    fn connect(&self) -> TcpStream {
        self.0.connect(Duration::from_secs(20))
    }

    /// Sends `head_lines` (header lines, each without CRLF) as a `GET /protected` and
    /// returns the status and the body.
    fn get(&self, head_lines: &[&[u8]]) -> (u16, Vec<u8>) {
        let mut request =
            b"GET /protected HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n".to_vec();
        for line in head_lines {
            request.extend_from_slice(line);
            request.extend_from_slice(b"\r\n");
        }
        request.extend_from_slice(b"\r\n");
        let mut stream = self.connect();
        stream.write_all(&request).unwrap();
        parse_response(&read_all(&mut stream))
    }

    /// Asserts a refusal with the JSON error body, and that the handler did not run.
    fn refused(&self, case: &str, head_lines: &[&[u8]], status: u16, message: &str) {
        let before = self.runs();
        let (got, body) = self.get(head_lines);
        assert_eq!(
            got,
            status,
            "case: {case}: {}",
            String::from_utf8_lossy(&body)
        );
        assert_eq!(
            serde_json::from_slice::<Value>(&body).ok(),
            Some(json!({ "msg": message })),
            "case: {case}: {}",
            String::from_utf8_lossy(&body)
        );
        assert_eq!(self.runs(), before, "case: {case}: the handler ran");
    }

    /// Asserts a 200 from the handler.
    fn accepted(&self, case: &str) {
        let before = self.runs();
        let token = self.0.manager.create_access_token(&"alice").unwrap();
        let line = format!("Authorization: Bearer {token}");
        let (status, body) = self.get(&[line.as_bytes()]);
        assert_eq!(
            status,
            200,
            "case: {case}: {}",
            String::from_utf8_lossy(&body)
        );
        assert_eq!(
            serde_json::from_slice::<Value>(&body).unwrap(),
            json!({"identity": "alice"})
        );
        assert_eq!(self.runs(), before + 1, "case: {case}");
    }
}

/// Reads until EOF or an error (a reset after the response still leaves what came first).
fn read_all(stream: &mut TcpStream) -> Vec<u8> {
    let mut response = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => response.extend_from_slice(buffer.get(..n).unwrap()),
        }
    }
    response
}

/// The status and the body of a `Content-Length` (or empty) HTTP/1.1 response.
fn parse_response(response: &[u8]) -> (u16, Vec<u8>) {
    let text = String::from_utf8_lossy(response);
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP response: {text:?}"));
    let body = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| response.get(at + 4..).unwrap().to_vec())
        .unwrap_or_default();
    (status, body)
}

#[::core::prelude::v1::test]
fn a_10_mb_header_gets_431_and_the_next_connection_works() {
    let server = Server::start();
    server.accepted("before");
    let mut stream = server.connect();
    let mut reader = stream.try_clone().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'a'; 1 << 16];
        let _ = stream
            .write_all(b"GET /protected HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ");
        for _ in 0..160 {
            if stream.write_all(&chunk).is_err() {
                break;
            }
        }
        let _ = stream.write_all(b"\r\n\r\n");
        let _ = stream.shutdown(Shutdown::Write);
    });
    let response = read_all(&mut reader);
    writer.join().unwrap();
    let (status, _) = parse_response(&response);
    assert_eq!(status, 431, "{}", String::from_utf8_lossy(&response));
    assert_eq!(server.runs(), 1);
    server.accepted("after the 10 MB header");
    // The same for a megabyte of dots as the token.
    let line = format!("Authorization: Bearer {}", ".".repeat(1 << 20));
    let (status, _) = server.get(&[line.as_bytes()]);
    assert_eq!(status, 431);
    server.accepted("after the megabyte of dots");
    // Too many header lines are refused by actix too.
    let lines: Vec<Vec<u8>> = (0..200)
        .map(|n| format!("X-Filler-{n}: x").into_bytes())
        .collect();
    let lines: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
    assert_eq!(server.get(&lines).0, 431);
    server.accepted("after 200 header lines");
    assert_eq!(server.runs(), 4);
}

#[::core::prelude::v1::test]
fn raw_header_attacks_over_tcp() {
    let server = Server::start();
    let valid = server.0.manager.create_access_token(&"alice").unwrap();
    let line = format!("Authorization: Bearer {valid}");
    server.refused(
        "two Authorization lines",
        &[line.as_bytes(), line.as_bytes()],
        422,
        BAD_HEADER,
    );
    server.refused(
        "two Authorization lines, differently cased names",
        &[
            line.as_bytes(),
            format!("authorization: Bearer {valid}").as_bytes(),
        ],
        422,
        BAD_HEADER,
    );
    server.refused(
        "non-ASCII bytes",
        &[b"Authorization: Bearer \xc3\xa9\xff.\x80.\xfe"],
        422,
        BAD_HEADER,
    );
    server.refused(
        "a valid token with a Latin-1 byte appended",
        &[[line.as_bytes(), b"\xe9"].concat().as_slice()],
        422,
        BAD_HEADER,
    );
    server.refused("empty value", &[b"Authorization:"], 401, MISSING_HEADER);
    server.refused(
        "whitespace-only value",
        &[b"Authorization:    \t  "],
        401,
        MISSING_HEADER,
    );
    server.refused("Bearer", &[b"Authorization: Bearer"], 422, BAD_HEADER);
    server.refused(
        "Bearer and spaces",
        &[b"Authorization: Bearer   "],
        422,
        BAD_HEADER,
    );
    server.refused(
        "lowercase scheme",
        &[format!("Authorization: bearer {valid}").as_bytes()],
        422,
        BAD_HEADER,
    );
    server.refused(
        "trailing comma",
        &[format!("{line},").as_bytes()],
        422,
        BAD_HEADER,
    );
    server.refused(
        "two credentials",
        &[format!("{line}, Bearer {valid}").as_bytes()],
        422,
        BAD_HEADER,
    );
    let hundred_kb = format!("Authorization: Bearer {}", "a".repeat(100_000));
    server.refused(
        "100 KB token",
        &[hundred_kb.as_bytes()],
        422,
        "Token is too large (100000 bytes; the limit is 8192)",
    );
    // What httparse refuses never reaches the app: actix answers 400.
    for bad in [
        &b"Authorization: Bearer a\x00b"[..],
        b"Authorization : Bearer x",
        b"Authori zation: x",
    ] {
        let before = server.runs();
        assert_eq!(
            server.get(&[bad]).0,
            400,
            "{}",
            String::from_utf8_lossy(bad)
        );
        assert_eq!(server.runs(), before);
    }
    // Tab separators and obs-fold-free whitespace are fine.
    let (status, _) = server.get(&[format!("Authorization: Bearer\t{valid}").as_bytes()]);
    assert_eq!(status, 200);
    server.accepted("after the attacks");
}

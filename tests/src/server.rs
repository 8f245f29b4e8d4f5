//! An example's server as a real process on a loopback port, for the tests that need the
//! wire or several servers.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Stdio};

use std::collections::HashMap;

use jwt_runtime::JwtConfig;
use serde_json::Value;

use crate::{SECRET, free_port};

/// The configuration the reference server reads from an environment of `env`
/// (`JWT_SECRET_KEY` defaults to the tests' secret), for its in-process tests.
///
/// # Panics
/// When `env` does not configure: the tests pass valid ones.
#[must_use]
pub fn reference_config(env: &[(&str, &str)]) -> JwtConfig {
    let mut vars: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    vars.entry("JWT_SECRET_KEY".to_owned())
        .or_insert_with(|| SECRET.to_owned());
    JwtConfig::from_lookup(|name| vars.get(name).cloned()).unwrap()
}

/// The example `name`'s binary, which `cargo test` builds beside the tests.
#[must_use]
pub fn example_binary(name: &str) -> std::path::PathBuf {
    let binary = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join(name);
    assert!(
        binary.exists(),
        "build the examples first: {}",
        binary.display()
    );
    binary
}

/// One `examples/<name>` process, killed when dropped.
#[derive(Debug)]
pub struct ExampleServer {
    child: Child,
    port: u16,
    _stdout: BufReader<ChildStdout>,
}

impl ExampleServer {
    /// Starts the example `name` (built by `cargo test` beside the tests) with `env` and a
    /// free `PORT`, and waits for its `listening on` line.
    #[must_use]
    pub fn spawn(name: &str, env: &[(&str, &str)]) -> Self {
        let binary = example_binary(name);
        let port = free_port();
        let mut child = Command::new(&binary)
            .envs(env.iter().copied())
            .env("PORT", port.to_string())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let server = ExampleServer {
            child,
            port,
            _stdout: stdout,
        };
        assert_eq!(line.trim(), format!("listening on 127.0.0.1:{port}"));
        server
    }

    /// The loopback port it listens on.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server; what it wrote to stderr (its warnings, at `RUST_LOG=warn`).
    #[must_use]
    pub fn stop(mut self) -> String {
        let _ = self.child.kill();
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        stderr
    }

    /// One HTTP/1.1 request with a bearer token (none when empty) and a JSON body:
    /// `(status, JSON body)`.
    #[must_use]
    pub fn request(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        // A server that hangs fails the test instead of hanging it.
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .unwrap();
        let body = body.map(Value::to_string).unwrap_or_default();
        let authorization = if token.is_empty() {
            String::new()
        } else {
            format!("Authorization: Bearer {token}\r\n")
        };
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{authorization}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP response: {response}"));
        let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body);
        (status, serde_json::from_str(body).unwrap_or(Value::Null))
    }
}

impl Drop for ExampleServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

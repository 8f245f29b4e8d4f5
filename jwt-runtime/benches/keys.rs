//! Asymmetric verification, per algorithm, in one run: raw `jsonwebtoken::decode` of the
//! token into a plain struct (the floor), `decode_token` with the static public key, and
//! `decode_token` with the same key chosen by `kid` from a JWK Set. At the end it prints
//! every mean and its ratio to the floor of its algorithm, and the JWK Set's ratio to
//! the static key.
//!
//! ```text
//! cargo bench -p jwt-runtime --bench keys                                     # rust_crypto
//! cargo bench -p jwt-runtime --bench keys --no-default-features --features aws_lc_rs
//! ```
//!
//! A JWK Set fetched from `JWT_JWKS_URL` is read into the same structure as one given in
//! memory, so the in-memory set measures the per-request path of both.
//!
//! For instruction counts, `count <algorithm> <floor|static|set> <n>` runs `n`
//! verifications inside `measured` only:
//!
//! ```text
//! cargo bench -p jwt-runtime --bench keys --no-run
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='keys::measured*' \
//!     target/release/deps/keys-* count RS256 set 200
//! ```
#![allow(missing_docs, clippy::unwrap_used, reason = "benchmark harness")]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use jwt_runtime::{JwkSet, JwtConfig, JwtManager};
use serde::Deserialize;
use serde_json::Value;

#[path = "support/timing.rs"]
mod timing;

use timing::{per_iteration, timed};

const ED_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIApXpHB8eihD0GU9GvvKHP5Eh+mYJ3cHuuKrvPZmBBXv\n-----END PRIVATE KEY-----";
const ED_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAyzKgUB9g2k4KNdLaJfoJo7olH4Ih8fZfMftApGLE0hc=\n-----END PUBLIC KEY-----";

/// What the floor decodes into.
#[derive(Deserialize)]
struct Plain {
    #[allow(dead_code, reason = "decoded, as a service would")]
    identity: Value,
}

/// The PEM pair the tests use for `algorithm`.
fn pems(algorithm: Algorithm) -> (String, String) {
    if algorithm == Algorithm::EdDSA {
        return (ED_PRIVATE.to_owned(), ED_PUBLIC.to_owned());
    }
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/python-reference-tokens.json"
    );
    let fixture: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let family = if algorithm == Algorithm::ES256 {
        "ec"
    } else {
        "rsa"
    };
    let key = |part: &str| {
        fixture["keys"][format!("{family}_{part}")]
            .as_str()
            .unwrap()
            .to_owned()
    };
    (key("private"), key("public"))
}

/// One algorithm's token, its verifiers and the floor's key.
struct Setup {
    token: String,
    static_key: JwtManager,
    by_kid: JwtManager,
    floor_key: DecodingKey,
    validation: Validation,
}

impl Setup {
    fn new(algorithm: Algorithm) -> Self {
        let (private, public) = pems(algorithm);
        let config = || JwtConfig::default().algorithm(algorithm);
        let signer = JwtManager::builder(
            config()
                .private_key(private)
                .public_key(public.clone())
                .public_key_id("bench-key"),
        )
        .ignore_registered_loaders()
        .build()
        .unwrap();
        let token = signer.create_access_token(&"benchmark-user").unwrap();
        let static_key = JwtManager::builder(config().public_key(public.clone()))
            .ignore_registered_loaders()
            .build()
            .unwrap();
        let set: JwkSet = signer.jwks();
        let by_kid = JwtManager::builder(config())
            .ignore_registered_loaders()
            .jwk_set(set)
            .build()
            .unwrap();
        let floor_key = match algorithm {
            Algorithm::ES256 => DecodingKey::from_ec_pem(public.as_bytes()),
            Algorithm::EdDSA => DecodingKey::from_ed_pem(public.as_bytes()),
            _ => DecodingKey::from_rsa_pem(public.as_bytes()),
        }
        .unwrap();
        let mut validation = Validation::new(algorithm);
        validation.leeway = 0;
        validation.validate_nbf = true;
        Setup {
            token,
            static_key,
            by_kid,
            floor_key,
            validation,
        }
    }

    /// One verification of `kind`: `floor`, `static` or `set`.
    fn verify(&self, kind: &str) {
        let token = black_box(&self.token);
        match kind {
            "floor" => {
                black_box(
                    jsonwebtoken::decode::<Plain>(token, &self.floor_key, &self.validation)
                        .unwrap(),
                );
            }
            "static" => {
                black_box(self.static_key.decode_token(token).unwrap());
            }
            _ => {
                black_box(self.by_kid.decode_token(token).unwrap());
            }
        }
    }
}

/// Runs the iterations: the only code callgrind counts.
#[inline(never)]
fn measured(iterations: impl FnOnce()) {
    iterations();
}

const ALGORITHMS: [Algorithm; 4] = [
    Algorithm::RS256,
    Algorithm::PS256,
    Algorithm::ES256,
    Algorithm::EdDSA,
];

fn main() {
    // `count <algorithm> <floor|static|set> <n>`: n verifications for callgrind.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if let [mode, algorithm, kind, count] = args.as_slice()
        && mode == "count"
    {
        let algorithm: Algorithm = algorithm.parse().unwrap();
        let setup = Setup::new(algorithm);
        let count: usize = count.parse().unwrap();
        measured(|| {
            for _ in 0..count {
                setup.verify(kind);
            }
        });
        return;
    }
    let mut c = Criterion::default()
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut totals = Vec::new();
    for algorithm in ALGORITHMS {
        let setup = Setup::new(algorithm);
        let name = format!("{algorithm:?}");
        for (kind, label) in [
            ("floor", "floor: jsonwebtoken::decode"),
            ("static", "decode_token, static key"),
            ("set", "decode_token, JWK Set by kid"),
        ] {
            timed(&mut c, &mut totals, &format!("{name}: {label}"), |iters| {
                let start = Instant::now();
                for _ in 0..iters {
                    setup.verify(kind);
                }
                start.elapsed()
            });
        }
    }
    c.final_summary();

    let mean = |name: &str| {
        totals
            .iter()
            .find(|(n, ..)| n == name)
            .map_or(f64::NAN, |(_, total, iters)| per_iteration(*total, *iters))
    };
    println!(
        "\nmean per iteration, its ratio to raw jsonwebtoken::decode, and the set's to the static key:"
    );
    for algorithm in ALGORITHMS {
        let name = format!("{algorithm:?}");
        let floor = mean(&format!("{name}: floor: jsonwebtoken::decode"));
        let fixed = mean(&format!("{name}: decode_token, static key"));
        let set = mean(&format!("{name}: decode_token, JWK Set by kid"));
        println!(
            "{name:>6}: floor {:>8.3} us | static {:>8.3} us ({:.3}x) | set {:>8.3} us ({:.3}x floor, {:.3}x static)",
            floor * 1e6,
            fixed * 1e6,
            fixed / floor,
            set * 1e6,
            set / floor,
            set / fixed
        );
    }
}

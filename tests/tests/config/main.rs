//! Configuration tests: the reference defaults, the environment syntax of
//! `JwtConfig::from_lookup`, and every setting `JwtManager::new` must refuse, naming the option.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::too_many_lines,
    clippy::duration_suboptimal_units,
    reason = "tests fail by panicking; option tables are long by nature; durations are \
              written in the whole seconds the environment syntax uses"
)]

mod defaults;
mod fail_open;
mod from_lookup;
mod secrets_and_keys;
mod settings;

use std::collections::HashMap;

use jwt_runtime::config::Algorithm;
use jwt_runtime::{ConfigError, JwtConfig, JwtManager};
use jwt_tests::{SECRET, fixture_key};

/// An RSA key pair that is NOT the pair of the fixture's RSA keys.
const OTHER_RSA_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxYXy4QuNUff/50bS+gN0
Xv3x7zwuBJVodjsBsZx6ifEDH3mmKEnEdmd4v0rLLLD6U8TyKFpPLv6fWLeSEuC0
yiBtAUMCmnodUu8tuxTNjxCqAuRmPleKFw9frBccM85vmpRNTUJz/Sn7nxTGBt2t
wPg9uqMXSZPYOUiNJ+v9lwA4bdjQB+V60569qIK/Vp1u8OPim8pcAAMUwMbW4p3r
p+CqpRBMwReHwAHs3AulEAHv6fsVnZOLPvC+4UjWw/zmu0J1qD40omBI9mekafsw
K07wk2CfHEfx76QkhN5FChmPs8Dlz8agDpNb3jPtcXf1XQSFSBYqRowTC1RZ6qxD
NwIDAQAB
-----END PUBLIC KEY-----
";

/// An Ed25519 key pair.
const ED_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIPmC2uMTlLjqGVzW+1h8Kth4X4BdjMtUmWWT8HdYOtvE
-----END PRIVATE KEY-----
";
const ED_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAiCfUtiPDU1PRpAvuw6seq0VXHyEbEvFBVXCfgGzzuy8=
-----END PUBLIC KEY-----
";

/// The PEM keys shipped with the interop vectors.
struct Keys {
    rsa_private: String,
    rsa_public: String,
    ec_private: String,
    ec_public: String,
}

fn keys() -> Keys {
    Keys {
        rsa_private: fixture_key("rsa_private"),
        rsa_public: fixture_key("rsa_public"),
        ec_private: fixture_key("ec_private"),
        ec_public: fixture_key("ec_public"),
    }
}

/// A valid HS256 configuration to break one setting at a time.
fn base() -> JwtConfig {
    JwtConfig::default().secret_key(SECRET)
}

fn rs256() -> JwtConfig {
    let k = keys();
    JwtConfig::default()
        .algorithm(Algorithm::RS256)
        .private_key(k.rsa_private)
        .public_key(k.rsa_public)
}

fn build(config: JwtConfig) -> Result<JwtManager, ConfigError> {
    JwtManager::builder(config)
        .ignore_registered_loaders()
        .build()
}

/// Builds, expects a `ConfigError`, and checks that it names `option`.
#[track_caller]
fn rejected(config: JwtConfig, option: &str) -> ConfigError {
    let Err(err) = build(config) else {
        panic!("{option}: the manager must refuse this configuration");
    };
    assert_eq!(err.option(), Some(option), "wrong option named: {err}");
    assert!(
        err.to_string().starts_with(option),
        "the message must start with the option name: {err}"
    );
    err
}

fn lookup(pairs: &[(&str, &str)]) -> Result<JwtConfig, ConfigError> {
    let env: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    JwtConfig::from_lookup(|name| env.get(name).cloned())
}

#[track_caller]
fn lookup_ok(pairs: &[(&str, &str)]) -> JwtConfig {
    lookup(pairs).unwrap_or_else(|e| panic!("{pairs:?} must parse: {e}"))
}

/// Parses, expects a `ConfigError` naming `option` with the raw `value`.
#[track_caller]
fn lookup_err(option: &str, value: &str) {
    let Err(err) = lookup(&[(option, value)]) else {
        panic!("{option}={value:?} must be refused");
    };
    assert_eq!(err.option(), Some(option), "{err}");
    assert_eq!(err.value(), Some(value), "{err}");
    assert!(err.to_string().starts_with(option), "{err}");
}

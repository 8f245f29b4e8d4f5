//! Where tokens come from: headers, cookies (+ CSRF), query string, JSON body.

use std::borrow::Cow;
use std::fmt;

use actix_web::HttpRequest;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::config::JwtConfig;
use crate::error::JwtError;
use crate::loaders::{guarded, slots};
use crate::manager::Inner;
use crate::types::{Compat, TokenLocation, TokenType};

/// An ordered list of distinct locations (at most every one), without allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Locations {
    items: [TokenLocation; TokenLocation::ALL.len()],
    len: u8,
}

impl Locations {
    /// Decodes the per-route override a guard attribute encodes with [`code`]; `0` means
    /// none.
    #[must_use]
    pub(crate) fn from_code(code: u16) -> Option<Self> {
        let mut items = [TokenLocation::Headers; TokenLocation::ALL.len()];
        let mut len = 0;
        let mut rest = code;
        while rest != 0 && len < TokenLocation::ALL.len() {
            let index = usize::from(rest & 0b111).saturating_sub(1);
            if let (Some(slot), Some(location)) =
                (items.get_mut(len), TokenLocation::ALL.get(index))
            {
                *slot = *location;
            }
            len += 1;
            rest >>= 3;
        }
        if len == 0 {
            None
        } else {
            #[allow(clippy::cast_possible_truncation, reason = "len <= 5")]
            Some(Locations {
                items,
                len: len as u8,
            })
        }
    }

    pub(crate) fn from_slice(locations: &[TokenLocation]) -> Self {
        let mut items = [TokenLocation::Headers; TokenLocation::ALL.len()];
        let mut len = 0;
        for location in locations.iter().take(TokenLocation::ALL.len()) {
            if let Some(slot) = items.get_mut(len) {
                *slot = *location;
                len += 1;
            }
        }
        #[allow(clippy::cast_possible_truncation, reason = "len <= 5")]
        Locations {
            items,
            len: len as u8,
        }
    }

    /// The locations, in order.
    #[must_use]
    pub(crate) fn as_slice(&self) -> &[TokenLocation] {
        self.items.get(..usize::from(self.len)).unwrap_or_default()
    }

    pub(crate) fn contains(self, location: TokenLocation) -> bool {
        self.as_slice().contains(&location)
    }
}

/// The code of a per-route list of locations, as a guard attribute passes it: 3 bits per
/// location (its position in [`TokenLocation::ALL`], 1-based), the first location in the
/// lowest bits; `0` for none (the configured locations).
///
/// ```
/// use jwt_runtime::__private::{TokenLocation, locations};
/// assert_eq!(locations(&[]), 0);
/// assert_ne!(locations(&[TokenLocation::Cookies]), locations(&[TokenLocation::Json]));
/// ```
#[must_use]
#[allow(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    reason = "const fn: `i` is below the length, and a position below 5"
)]
pub const fn code(locations: &[TokenLocation]) -> u16 {
    let mut code = 0u16;
    let mut i = 0;
    while i < locations.len() && i < TokenLocation::ALL.len() {
        let mut position = 0;
        while position < TokenLocation::ALL.len() {
            if TokenLocation::ALL[position] as u8 == locations[i] as u8 {
                code |= ((position as u16) + 1) << (3 * i);
            }
            position += 1;
        }
        i += 1;
    }
    code
}

/// A token found in a request, and the CSRF value sent with it (cookies only).
pub(crate) struct Found<'r> {
    pub(crate) token: Cow<'r, str>,
    pub(crate) csrf: Option<String>,
}

/// Tries each location in order; only "no token here" falls through to the next one,
/// and when none has a token the message lists what each location missed.
pub(crate) fn find_token<'r>(
    inner: &Inner,
    req: &'r HttpRequest,
    body: Option<&'r [u8]>,
    token_type: TokenType,
    locations: &[TokenLocation],
) -> Result<(Found<'r>, TokenLocation), JwtError> {
    let mut errors: Vec<String> = Vec::new();
    for location in locations {
        let attempt = match location {
            TokenLocation::Headers => from_headers(inner, req.headers()).map(|token| Found {
                token: Cow::Borrowed(token),
                csrf: None,
            }),
            TokenLocation::Cookies => from_cookies(inner, req, body, token_type),
            TokenLocation::QueryString => {
                from_query(inner, req.query_string()).map(|token| Found { token, csrf: None })
            }
            TokenLocation::Json => {
                from_json(inner, req.headers(), body, token_type).map(|token| Found {
                    token: Cow::Owned(token),
                    csrf: None,
                })
            }
            TokenLocation::Custom => from_custom(inner, req).map(|token| Found {
                token: Cow::Owned(token),
                csrf: None,
            }),
        };
        match attempt {
            Err(JwtError::NoAuthorization(message)) => errors.push(message),
            other => return other.map(|found| (found, *location)),
        }
    }
    Err(JwtError::NoAuthorization(missing_everywhere(
        locations, errors,
    )))
}

/// `Missing JWT in cookies or headers (Missing cookie "..."; Missing Authorization Header)`.
fn missing_everywhere(locations: &[TokenLocation], mut errors: Vec<String>) -> String {
    match (locations, errors.len()) {
        ([_], 1) => errors.pop().unwrap_or_default(),
        ([init @ .., last], _) => {
            let init: Vec<&str> = init.iter().map(|l| l.as_str()).collect();
            format!(
                "Missing JWT in {} or {} ({})",
                init.join(", "),
                last,
                errors.join("; ")
            )
        }
        ([], _) => String::new(),
    }
}

/// Whether the header or query-string location, tried before the JSON body, settles this
/// request: it holds a token (or a malformed header, which is refused), so the body is
/// never looked at and need not be read (a large upload with a header token is not
/// limited by the guard). Cookies are not checked: their name depends on the token type.
pub(crate) fn settled_before_json(
    inner: &Inner,
    req: &HttpRequest,
    locations: &[TokenLocation],
) -> bool {
    for location in locations {
        let settled = match location {
            TokenLocation::Json => return false,
            TokenLocation::Headers => !matches!(
                from_headers(inner, req.headers()),
                Err(JwtError::NoAuthorization(_))
            ),
            TokenLocation::QueryString => from_query(inner, req.query_string()).is_ok(),
            // The custom source is not asked twice.
            TokenLocation::Cookies | TokenLocation::Custom => false,
        };
        if settled {
            return true;
        }
    }
    false
}

/// The header location: `Authorization: Bearer <JWT>`, multi-field values, or a bare token.
pub(crate) fn from_headers<'r>(inner: &Inner, headers: &'r HeaderMap) -> Result<&'r str, JwtError> {
    let config = &inner.config;
    let mut values = headers.get_all(&inner.header_name);
    let Some(value) = values.next() else {
        return Err(JwtError::NoAuthorization(format!(
            "Missing {} Header",
            config.header_name
        )));
    };
    let bad = || {
        let name = &config.header_name;
        let expected = if config.header_type.is_empty() {
            "<JWT>".to_owned()
        } else {
            format!("{} <JWT>", config.header_type)
        };
        JwtError::InvalidHeader(match config.compat {
            Compat::V3 => format!("Bad {name} header. Expected value '{expected}'"),
            Compat::V4 => format!("Bad {name} header. Expected '{name}: {expected}'"),
        })
    };
    if values.next().is_some() {
        // Two header lines: ambiguous, refuse rather than pick one.
        return Err(bad());
    }
    if value.is_empty() {
        return Err(JwtError::NoAuthorization(format!(
            "Missing {} Header",
            config.header_name
        )));
    }
    // The common case, `<type> <token>` and nothing else, in one pass over the bytes.
    if let Some(token) = single_credential(value.as_bytes(), config.header_type.as_bytes()) {
        return Ok(token);
    }
    let auth = header_str(value).ok_or_else(bad)?;
    if config.compat == Compat::V4 {
        return v4_header_token(config, auth, bad);
    }
    if config.header_type.is_empty() {
        let mut parts = auth.split_ascii_whitespace();
        return match (parts.next(), parts.next()) {
            (Some(token), None) => Ok(token),
            _ => Err(bad()),
        };
    }
    // re.split(r",\s*", auth); keep fields whose first word is the type.
    let mut chosen = None;
    for field in auth.split(',') {
        let mut words = field.split_ascii_whitespace();
        let Some(first) = words.next() else {
            // An empty field: the reference's IndexError (500); this port answers 422.
            return Err(bad());
        };
        if first == config.header_type {
            if chosen.is_some() {
                // Two credentials of our scheme are ambiguous (RFC 6750 §2.1 allows one);
                // the reference used the first, this port refuses both.
                return Err(bad());
            }
            chosen = Some((words.next(), words.next()));
        }
    }
    match chosen {
        Some((Some(token), None)) => Ok(token),
        _ => Err(bad()),
    }
}

/// flask-jwt-extended 4.x's reading of the header: trimmed of whitespace, then of commas;
/// with a type, exactly one comma-separated field must start with it (another scheme, a
/// bare token or two such fields are "no token here"), and that field must be two words.
/// Blank fields are skipped (4.x crashes on them).
fn v4_header_token<'v>(
    config: &JwtConfig,
    auth: &'v str,
    bad: impl Fn() -> JwtError,
) -> Result<&'v str, JwtError> {
    let name = &config.header_name;
    let auth = auth.trim().trim_matches(',');
    if auth.is_empty() {
        return Err(JwtError::NoAuthorization(format!("Missing {name} Header")));
    }
    let scheme = config.header_type.as_str();
    if scheme.is_empty() {
        let mut words = auth.split_ascii_whitespace();
        return match (words.next(), words.next()) {
            (Some(token), None) => Ok(token),
            _ => Err(bad()),
        };
    }
    let mut fields = auth
        .split(',')
        .filter(|field| field.split_ascii_whitespace().next() == Some(scheme));
    let (Some(field), None) = (fields.next(), fields.next()) else {
        return Err(JwtError::NoAuthorization(format!(
            "Missing '{scheme}' type in '{name}' header. Expected '{name}: {scheme} <JWT>'"
        )));
    };
    let mut words = field.split_ascii_whitespace().skip(1);
    match (words.next(), words.next()) {
        (Some(token), None) => Ok(token),
        _ => Err(bad()),
    }
}

/// `<scheme> <token>` where the token is one word of visible ASCII with no comma:
/// exactly what the general parser below would return for such a value.
fn single_credential<'v>(value: &'v [u8], scheme: &[u8]) -> Option<&'v str> {
    let token = if scheme.is_empty() {
        value
    } else {
        value.strip_prefix(scheme)?.strip_prefix(b" ")?
    };
    // Visible ASCII, no comma. Folded without early exit, so the compiler checks many
    // bytes per instruction: the token is most of the header.
    #[allow(
        clippy::needless_bitwise_bool,
        reason = "branch-free on purpose: it vectorises"
    )]
    let plain = token
        .iter()
        .fold(true, |ok, &b| ok & b.is_ascii_graphic() & (b != b','));
    if token.is_empty() || !plain {
        return None;
    }
    std::str::from_utf8(token).ok()
}

fn header_str(value: &HeaderValue) -> Option<&str> {
    value.to_str().ok()
}

/// The cookie location, with the CSRF double-submit value for unsafe methods.
fn from_cookies<'r>(
    inner: &Inner,
    req: &'r HttpRequest,
    body: Option<&[u8]>,
    token_type: TokenType,
) -> Result<Found<'r>, JwtError> {
    let config = &inner.config;
    let names = inner.names(token_type);
    let (cookie_name, csrf_header, csrf_field) =
        (&names.cookie, &names.csrf_header, &names.csrf_field);
    // Raw values, not percent-decoded: as werkzeug reads cookies (and a JWT has no `%`).
    let token = req
        .cookies_raw()
        .ok()
        .and_then(|cookies| {
            cookies
                .iter()
                .find(|cookie| cookie.name() == cookie_name.as_str())
                .map(|cookie| cookie.value().to_owned())
        })
        .filter(|value| !value.is_empty())
        .ok_or_else(|| JwtError::NoAuthorization(format!("Missing cookie \"{cookie_name}\"")))?;
    let method = req.method().as_str();
    // CSRF is checked on every cookie read when protection is on, whatever the configured
    // locations (a per-route `locations = [cookies]` override must not skip it).
    let csrf = if config.cookie_csrf_protect
        && inner
            .csrf_methods
            .iter()
            .any(|m| m.as_str().eq_ignore_ascii_case(method))
    {
        let mut value = req
            .headers()
            .get(csrf_header)
            .and_then(header_str)
            .unwrap_or_default()
            .to_owned();
        if value.is_empty() && config.csrf_check_form && is_form(req.headers()) {
            value = body
                .and_then(|body| {
                    form_urlencoded::parse(body).find(|(key, _)| key == csrf_field.as_str())
                })
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
        }
        if value.is_empty() {
            return Err(JwtError::Csrf("Missing CSRF token".to_owned()));
        }
        Some(value)
    } else {
        None
    };
    Ok(Found {
        token: Cow::Owned(token),
        csrf,
    })
}

/// The custom location: what the `token_source_loader` returns (an empty value is no
/// token). Without that loader the start-up checks refuse a `JWT_TOKEN_LOCATION` naming
/// it; a route's `locations = [custom]` answers 500 (logged).
fn from_custom(inner: &Inner, req: &HttpRequest) -> Result<String, JwtError> {
    const NAME: &str = slots::token_source_loader::NAME;
    let source =
        inner.loaders.token_source_loader.as_ref().ok_or_else(|| {
            JwtError::Internal(format!("the `custom` token location needs a {NAME}"))
        })?;
    guarded(NAME, || source(req))?
        .filter(|token| !token.is_empty())
        .ok_or_else(|| JwtError::NoAuthorization(CUSTOM_MISSING.to_owned()))
}

/// What the custom location says when its source has no token.
const CUSTOM_MISSING: &str = "Missing JWT from the custom token source";

/// The query-string location: the first `?jwt=` value, without
/// `JWT_QUERY_STRING_VALUE_PREFIX`.
fn from_query<'r>(inner: &Inner, query: &'r str) -> Result<Cow<'r, str>, JwtError> {
    let name = &inner.config.query_string_name;
    let value = form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name.as_str())
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
        // sic: both lines' spelling; 4.x quotes the name with `'`.
        .ok_or_else(|| {
            JwtError::NoAuthorization(match inner.config.compat {
                Compat::V3 => format!("Missing \"{name}\" query paramater"),
                Compat::V4 => format!("Missing '{name}' query paramater"),
            })
        })?;
    let prefix = inner.config.query_string_value_prefix.as_str();
    if prefix.is_empty() {
        return Ok(value);
    }
    let refused = || {
        JwtError::InvalidHeader(format!(
            "Invalid value for query parameter '{name}'. Expected the value to start with '{prefix}'"
        ))
    };
    match value {
        Cow::Borrowed(value) => value
            .strip_prefix(prefix)
            .map(Cow::Borrowed)
            .ok_or_else(refused),
        Cow::Owned(value) => value
            .strip_prefix(prefix)
            .map(|token| Cow::Owned(token.to_owned()))
            .ok_or_else(refused),
    }
}

/// Whether the request declares a JSON body (`application/json`, `application/*+json`, any parameters).
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    media_type(headers).is_some_and(|media| {
        media.eq_ignore_ascii_case("application/json")
            || (media.len() > "application/+json".len()
                && media
                    .get(..12)
                    .is_some_and(|p| p.eq_ignore_ascii_case("application/"))
                && media
                    .get(media.len() - 5..)
                    .is_some_and(|s| s.eq_ignore_ascii_case("+json")))
    })
}

/// Whether the request declares an urlencoded form body.
pub(crate) fn is_form(headers: &HeaderMap) -> bool {
    media_type(headers)
        .is_some_and(|media| media.eq_ignore_ascii_case("application/x-www-form-urlencoded"))
}

fn media_type(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(value.split(';').next().unwrap_or_default().trim())
}

/// The JSON-body location: `access_token` / `refresh_token` of a JSON object body.
fn from_json(
    inner: &Inner,
    headers: &HeaderMap,
    body: Option<&[u8]>,
    token_type: TokenType,
) -> Result<String, JwtError> {
    if !is_json(headers) {
        return Err(JwtError::NoAuthorization(
            "Invalid content-type. Must be application/json.".to_owned(),
        ));
    }
    let key = &inner.names(token_type).json_key;
    match body.map_or(JsonToken::Absent, |body| top_level_token(body, key)) {
        JsonToken::Token(token) if !token.is_empty() => Ok(token.into_owned()),
        // A value Python finds true goes on to be decoded, and fails there.
        JsonToken::NotAString => Err(JwtError::invalid(format!(
            "Invalid \"{key}\" in json data: the token must be a string"
        ))),
        JsonToken::Token(_) | JsonToken::Absent => Err(JwtError::NoAuthorization(format!(
            "Missing \"{key}\" key in json data."
        ))),
    }
}

/// What the JSON body holds under the token's key.
enum JsonToken<'de> {
    /// A string.
    Token(Cow<'de, str>),
    /// A value Python finds true (a non-zero number, `true`, a non-empty array or object)
    /// that is not a string.
    NotAString,
    /// No such key, a value Python finds false, or a body that is not one JSON object.
    Absent,
}

/// The value of `key` in the JSON object `body`, found in one pass that builds nothing
/// else: every other value, nested objects included, is skipped without being stored, and
/// a string without escapes is borrowed from the body.
///
/// [`JsonToken::Absent`] when the body is not exactly one valid JSON object (UTF-8,
/// nothing after it). A key only counts at the top level. A key given more than once
/// counts by its last value, as Python's `json` module reads it.
fn top_level_token<'de>(body: &'de [u8], key: &str) -> JsonToken<'de> {
    // Skipped strings are not checked for UTF-8 by the parser: check the whole body.
    let Ok(text) = std::str::from_utf8(body) else {
        return JsonToken::Absent;
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    match TopLevelKey(key).deserialize(&mut deserializer) {
        Ok(value) if deserializer.end().is_ok() => value,
        _ => JsonToken::Absent,
    }
}

/// Reads a JSON object and keeps the last value of one key.
struct TopLevelKey<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for TopLevelKey<'_> {
    type Value = JsonToken<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TopLevelKey<'_> {
    type Value = JsonToken<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = JsonToken::Absent;
        while let Some(wanted) = map.next_key_seed(KeyIs(self.0))? {
            if wanted {
                found = map.next_value_seed(StringOrSkip)?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// An object key, compared with the wanted one where it lies.
struct KeyIs<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

/// Any JSON value: a string is kept (borrowed when it has no escapes); anything else is
/// skipped and read as [`JsonToken::NotAString`] or [`JsonToken::Absent`] by Python's
/// truth value.
struct StringOrSkip;

impl<'de> DeserializeSeed<'de> for StringOrSkip {
    type Value = JsonToken<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// [`JsonToken::NotAString`] when Python finds the value true, else [`JsonToken::Absent`].
fn truthy<'de>(truth: bool) -> JsonToken<'de> {
    if truth {
        JsonToken::NotAString
    } else {
        JsonToken::Absent
    }
}

impl<'de> Visitor<'de> for StringOrSkip {
    type Value = JsonToken<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(JsonToken::Token(Cow::Borrowed(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(JsonToken::Token(Cow::Owned(value.to_owned())))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Ok(truthy(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(truthy(value != 0))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(truthy(value != 0))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Ok(truthy(value != 0.0))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(JsonToken::Absent)
    }

    // Read as values, not skipped, so that nesting deeper than the parser's limit is
    // invalid JSON here as it is for Python (only the token's own value is read so).
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut any = false;
        while seq.next_element::<serde_json::Value>()?.is_some() {
            any = true;
        }
        Ok(truthy(any))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut any = false;
        while map.next_entry::<IgnoredAny, serde_json::Value>()?.is_some() {
            any = true;
        }
        Ok(truthy(any))
    }
}

//! The Redis store's Lua scripts: each write is one script, so it is atomic on the node
//! and its keys stay in one slot of a cluster.

/// Spends a refresh token: the first caller records `<ms> <nonce> <successor>` (with a
/// TTL when one is given) and gets nil; every later caller gets the record. One script, so
/// two servers can never both spend one token. A caller that finds its own record (its
/// nonce, unique to the call: the request sent again after its answer was lost) gets nil
/// again, rather than being taken for a second presenter.
const SPEND_SCRIPT: &str = r"
local spent = redis.call('GET', KEYS[1])
if spent == ARGV[1] then return false end
if spent then return spent end
if ARGV[2] == '' then
  redis.call('SET', KEYS[1], ARGV[1])
else
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
end
return false
";

/// The end of every revoking script: prunes the live set `KEYS[2]` of members kept until
/// before `ARGV[n+4]` (now), adds the member `ARGV[n+2]` scored `ARGV[n+1]` (the time it
/// is kept until, or `+inf`), keeps the set until its last member (no expiry once one is
/// kept for good), and publishes `<score> <member>` on the channel `ARGV[n+3]`. `n` is
/// the number of the script's own arguments before these.
fn live_set_lua(n: usize) -> String {
    let [score, member, channel, now] = [n + 1, n + 2, n + 3, n + 4];
    format!(
        r"
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[{now}])
local ttl = redis.call('TTL', KEYS[2])
redis.call('ZADD', KEYS[2], 'GT', ARGV[{score}], ARGV[{member}])
if ARGV[{score}] == '+inf' then
  redis.call('PERSIST', KEYS[2])
elseif ttl == -2 then
  redis.call('EXPIREAT', KEYS[2], ARGV[{score}])
elseif ttl >= 0 then
  redis.call('EXPIREAT', KEYS[2], ARGV[{score}], 'GT')
end
redis.call('PUBLISH', ARGV[{channel}], ARGV[{score}] .. ' ' .. ARGV[{member}])
return 1
"
    )
}

/// Revokes a `jti` or a login: `KEYS[1]` the record (`ARGV[1]`: its TTL, empty for
/// none), then the live set and the event.
pub(crate) static REVOKE: std::sync::LazyLock<redis::Script> = std::sync::LazyLock::new(|| {
    redis::Script::new(&format!(
        r"
if ARGV[1] == '' then
  redis.call('SET', KEYS[1], '1')
else
  redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])
end
{}",
        live_set_lua(1)
    ))
});

/// Raises an identity cut-off (`ARGV[1]`, TTL `ARGV[2]`): a later timestamp replaces an
/// earlier one, never the reverse; the TTL is refreshed to the later cut-off's. A raised
/// cut-off joins the live set and is published.
pub(crate) static CUT_OFF: std::sync::LazyLock<redis::Script> = std::sync::LazyLock::new(|| {
    redis::Script::new(&format!(
        r"
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
if ARGV[2] == '' then
  redis.call('SET', KEYS[1], ARGV[1])
else
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
end
{}",
        live_set_lua(2)
    ))
});

pub(crate) static SPEND: std::sync::LazyLock<redis::Script> =
    std::sync::LazyLock::new(|| redis::Script::new(SPEND_SCRIPT));

/// A TTL as a script argument: empty for none.
pub(crate) fn ttl_arg(ttl: Option<i64>) -> String {
    ttl.map(|ttl| ttl.to_string()).unwrap_or_default()
}

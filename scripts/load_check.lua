-- wrk script for scripts/load_check.sh: a mixed stream of tokens against GET /protected.
-- Tokens come from the environment (see load_check.sh); each request takes the next kind
-- in turn. Counts every answer's status class, and 200s separately.
local kinds = {}
for _, name in ipairs({"VALID", "EXPIRED", "TAMPERED", "GARBAGE", "OVERSIZED", "REFRESH", "NONE_ALG", "MISSING"}) do
  table.insert(kinds, {name = name, value = os.getenv("TOKEN_" .. name)})
end
counter = 0
statuses = {}
valid_sent = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  statuses = {}
  valid_sent = 0
end

function request()
  counter = counter + 1
  local kind = kinds[(counter % #kinds) + 1]
  if kind.name == "VALID" then
    valid_sent = valid_sent + 1
  end
  local headers = {}
  if kind.value ~= nil and kind.value ~= "" then
    headers["Authorization"] = "Bearer " .. kind.value
  end
  return wrk.format("GET", "/protected", headers)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  local sent = 0
  for _, thread in ipairs(threads) do
    sent = sent + thread:get("valid_sent")
    local s = thread:get("statuses")
    for status, count in pairs(s) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("status %d %d\n", status, count))
  end
  io.write(string.format("valid sent %d\n", sent))
end

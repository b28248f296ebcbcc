-- wrk script: POST GraphQL bodies, one JSON document per line of a file, in rotation,
-- authenticated with an API token; counts non-200 and "errors" responses.
-- usage: wrk -t1 -c1 -d20s -s graphql.lua URL -- BODIES_FILE TOKEN
local bodies = {}
local counter = 0
local bad = 0
local token = nil

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(bodies, line) end
  end
  token = args[2]
  counter = math.random(0, #bodies - 1)
end

function request()
  counter = counter + 1
  local headers = {["Content-Type"] = "application/json"}
  if token then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("POST", nil, headers, bodies[(counter % #bodies) + 1])
end

function response(status, headers, body)
  if status ~= 200 or body:find('"errors"', 1, true) then
    bad = bad + 1
  end
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local nbad = 0
  for _, t in ipairs(threads) do nbad = nbad + (t:get("bad") or 0) end
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors_connect":%d,"errors_read":%d,' ..
    '"errors_write":%d,"errors_status":%d,"errors_timeout":%d,"bad_responses":%d,' ..
    '"lat_p50_us":%d,"lat_p90_us":%d,"lat_p99_us":%d,"lat_max_us":%d,"lat_mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    nbad, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end

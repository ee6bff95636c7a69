-- wrk script for tests/bench/run-sync-bench: GETs the paths listed in a file (one a line) in
-- turn, each request from its own X-Forwarded-For address, and prints one machine-readable
-- line at the end. Used unchanged against rdk-sync and nginx, so both see the same requests.
--
--   wrk -t2 -c64 -d15s --latency -s paths.lua http://127.0.0.1:PORT -- PATHS_FILE [USER_AGENT]
--
-- rdk-sync trusts X-Forwarded-For from loopback (Caddy's place in production) and rate-limits
-- per client; one address would measure 429s, so each thread cycles through 4,096 addresses
-- of its own. Requests are formatted once in init(): request() only hands out a string.

local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
end

local requests = {}
local next_request = 1

function init(args)
  local paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  local user_agent = args[2]
  local id = tid or 1
  local n = 4096
  for i = 0, n - 1 do
    local headers = { ["X-Forwarded-For"] = string.format("10.%d.%d.%d", 100 + id, math.floor(i / 256), i % 256) }
    if user_agent and user_agent ~= "" then headers["User-Agent"] = user_agent end
    -- Threads start at different offsets so they don't walk the list in lockstep.
    local path = paths[((i + (id - 1) * 997) % #paths) + 1]
    requests[i + 1] = wrk.format("GET", path, headers)
  end
end

function request()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d bytes=%d p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f " ..
    "non2xx=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end

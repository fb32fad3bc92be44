-- wrk script for scripts/serve_bench.sh: POSTs /v1/score bodies built from a text file, cycling through
-- them, and prints latency percentiles and the answers by status at the end.
-- Environment: BENCH_TEXTS (file, one text per line), BENCH_PER_REQUEST (texts per request, default 1),
-- BENCH_PATH (default /v1/score).
local texts_file = os.getenv("BENCH_TEXTS")
local per_request = tonumber(os.getenv("BENCH_PER_REQUEST") or "1")
local path = os.getenv("BENCH_PATH") or "/v1/score"
local bodies = {}
local counter = 0

local function json_string(text)
  local escaped = text:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == "\\" then return "\\\\" end
    return string.format("\\u%04x", c:byte())
  end)
  return '"' .. escaped .. '"'
end

function init(args)
  local lines = {}
  for line in io.lines(texts_file) do lines[#lines + 1] = line end
  local count = math.max(1, math.floor(#lines / per_request))
  for i = 0, count - 1 do
    local parts = {}
    for j = 0, per_request - 1 do
      parts[#parts + 1] = json_string(lines[(i * per_request + j) % #lines + 1])
    end
    bodies[#bodies + 1] = '{"texts":[' .. table.concat(parts, ",") .. ']}'
  end
  counter = math.random(#bodies)
end

function request()
  counter = counter % #bodies + 1
  return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, bodies[counter])
end


function done(summary, latency, requests)
  io.write(string.format("requests %d in %.2f s: %.1f/s; errors connect %d read %d write %d timeout %d status %d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    summary.errors.status))
  local parts = {}
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    parts[#parts + 1] = string.format("p%g %.3f ms", p, latency:percentile(p) / 1000)
  end
  io.write("latency " .. table.concat(parts, ", ") .. string.format(", max %.3f ms\n", latency.max / 1000))
end

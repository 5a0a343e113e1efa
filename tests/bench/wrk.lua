-- wrk script of the HTTP benchmarks (tests/bench/load.py runs it).
-- Arguments after `--`: METHOD PATH [FIRST LAST STRIDE]. In a PATH with "{id}", thread k
-- sends FIRST + k, then + STRIDE (the number of threads) each time: every request hits a
-- different object. done() prints one line of JSON, with `past_last`: the requests sent
-- beyond LAST (a run that needed more objects than it was given).

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  method = args[1] or "GET"
  template = args[2] or "/"
  first = tonumber(args[3] or "0")
  last = tonumber(args[4] or "0")
  stride = tonumber(args[5] or "1")
  next_id = first + index
  exhausted = 0
  if method == "POST" then
    wrk.body = "{}"
    wrk.headers["Content-Type"] = "application/json"
  end
end

function request()
  local path = template
  if string.find(template, "{id}", 1, true) then
    if next_id > last then
      exhausted = exhausted + 1
    end
    path = (string.gsub(template, "{id}", tostring(next_id)))
    next_id = next_id + stride
  end
  return wrk.format(method, path)
end

function done(summary, latency, requests)
  local e = summary.errors
  local past_last = 0
  for _, thread in ipairs(threads) do
    past_last = past_last + (thread:get("exhausted") or 0)
  end
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"mean": %.0f, "p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d}, ' ..
    '"past_last": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, past_last))
end

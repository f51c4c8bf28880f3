-- wrk script for make bench: requests the paths listed in the file named after "--", in
-- turn, and prints the run's figures as one JSON line starting with BENCH.
local paths = {}
local index = 0
-- As browsers ask, with the compression they accept (what Chromium sends).
wrk.headers["Accept-Encoding"] = "gzip, deflate, br, zstd"
-- BENCH_COOKIE: a visitor's cookie on every request (a page of their own: For you).
local cookie = os.getenv("BENCH_COOKIE")
if cookie then
  wrk.headers["Cookie"] = cookie
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

-- BENCH_ONCE (a line to print): stop once each path has been answered, so that none is
-- asked for twice. wrk itself runs on to the end of its duration: the line printed here
-- tells the benchmark to interrupt it, and wrk then reports the time until then.
local all_answered = os.getenv("BENCH_ONCE")
if all_answered then
  local answered = 0
  function response()
    answered = answered + 1
    if answered == #paths then
      wrk.thread:stop()
      io.write(all_answered, "\n")
      io.flush()
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, ' ..
    '"read": %d, "write": %d, "status": %d, "timeout": %d}, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max))
end

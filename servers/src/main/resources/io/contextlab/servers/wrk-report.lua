-- Makes wrk print its result as one JSON line (read by Wrk.java) instead of its human table.
-- Latencies are wrk's own histogram, in microseconds, of completed requests only: a request
-- still unanswered when the run ends is in no percentile (see "unanswered_connections").
done = function(summary, latency, requests)
  local e = summary.errors
  local function pct(p) if summary.requests > 0 then return latency:percentile(p) else return 0 end end
  io.write(string.format(
    'CONTEXTLAB_WRK {"duration_us":%d,"requests":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%.1f,"stdev":%.1f}}\n',
    summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, pct(50), pct(90), pct(99), pct(99.9), latency.max, latency.mean, latency.stdev))
end

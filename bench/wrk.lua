-- The request script fuelgate bench gives wrk. fuelgate bench writes a
-- prelude before it that sets cfg:
--   cfg.addrs     instances as {host, port}; wrk thread i sends to addrs[i mod n]
--   cfg.method, cfg.path, cfg.headers, cfg.body   the request
--   cfg.digest    nil, or the four texts around a PasswordDigest
--                 UsernameToken's digest, nonce and created (see DigestBody)
--   cfg.password  the password the digest is made from
--   cfg.run       6 random bytes: with the thread number and a counter, the nonce
--   cfg.marker    what the body of a correct answer contains
--   cfg.status    the HTTP status of a correct answer
-- done() prints one line "FUELGATE-WRK {json}" that fuelgate bench reads.

local bit = require("bit")
local band, bor, bxor, bnot = bit.band, bit.bor, bit.bxor, bit.bnot
local lshift, rshift, rol, tobit = bit.lshift, bit.rshift, bit.rol, bit.tobit
local byte, char, rep, find, floor = string.byte, string.char, string.rep, string.find, math.floor
local concat = table.concat

-- be32 is n as 4 big-endian bytes.
local function be32(n)
  return char(band(rshift(n, 24), 255), band(rshift(n, 16), 255), band(rshift(n, 8), 255), band(n, 255))
end

-- sha1 is the SHA-1 digest (20 bytes) of msg, shorter than 2^29 bytes.
local function sha1(msg)
  local h0, h1, h2, h3, h4 = tobit(0x67452301), tobit(0xEFCDAB89), tobit(0x98BADCFE), tobit(0x10325476), tobit(0xC3D2E1F0)
  local ml = #msg
  msg = msg .. "\128" .. rep("\0", (55 - ml) % 64) .. "\0\0\0\0" .. be32(ml * 8)
  local w = {}
  for chunk = 1, #msg, 64 do
    for i = 0, 15 do
      local p = chunk + i * 4
      local a, b, c, d = byte(msg, p, p + 3)
      w[i] = bor(lshift(a, 24), lshift(b, 16), lshift(c, 8), d)
    end
    for i = 16, 79 do
      w[i] = rol(bxor(w[i - 3], w[i - 8], w[i - 14], w[i - 16]), 1)
    end
    local a, b, c, d, e = h0, h1, h2, h3, h4
    for i = 0, 79 do
      local f, k
      if i < 20 then
        f, k = bor(band(b, c), band(bnot(b), d)), 0x5A827999
      elseif i < 40 then
        f, k = bxor(b, c, d), 0x6ED9EBA1
      elseif i < 60 then
        f, k = bor(band(b, c), band(b, d), band(c, d)), 0x8F1BBCDC
      else
        f, k = bxor(b, c, d), 0xCA62C1D6
      end
      a, b, c, d, e = tobit(rol(a, 5) + f + e + k + w[i]), a, rol(b, 30), c, d
    end
    h0, h1, h2, h3, h4 = tobit(h0 + a), tobit(h1 + b), tobit(h2 + c), tobit(h3 + d), tobit(h4 + e)
  end
  return be32(h0) .. be32(h1) .. be32(h2) .. be32(h3) .. be32(h4)
end

local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local b64 = {}
for i = 1, 64 do b64[i - 1] = b64chars:sub(i, i) end

-- base64 is the standard Base64 encoding of s, with padding.
local function base64(s)
  local out, n = {}, #s
  for i = 1, n, 3 do
    local a, b, c = byte(s, i, i + 2)
    local v = a * 65536 + (b or 0) * 256 + (c or 0)
    out[#out + 1] = b64[floor(v / 262144) % 64] .. b64[floor(v / 4096) % 64] ..
      (b and b64[floor(v / 64) % 64] or "=") .. (c and b64[v % 64] or "=")
  end
  return concat(out)
end

-- jsonString quotes s for JSON.
local function jsonString(s)
  return '"' .. (s:gsub('[%c"\\\128-\255]', function(c) return string.format("\\u%04x", byte(c)) end)) .. '"'
end

local threads, counter = {}, 0

function setup(thread)
  local a = cfg.addrs[counter % #cfg.addrs + 1]
  thread.addr = wrk.lookup(a[1], a[2])[1]
  thread:set("id", counter)
  counter = counter + 1
  threads[#threads + 1] = thread
end

local static, prefix, n, second, created

function init(args)
  wrong, first = 0, nil
  if not cfg.digest then
    static = wrk.format(cfg.method, cfg.path, cfg.headers, cfg.body)
  else
    prefix, n = cfg.run .. char(floor(id / 256) % 256, id % 256), 0
  end
end

function request()
  if static then
    return static
  end
  n = n + 1
  local nonce = prefix .. be32(floor(n / 4294967296)) .. be32(n % 4294967296)
  local now = os.time()
  if now ~= second then
    second, created = now, os.date("!%Y-%m-%dT%H:%M:%S.000Z", now)
  end
  local d = cfg.digest
  local body = d[1] .. base64(sha1(nonce .. created .. cfg.password)) .. d[2] .. base64(nonce) .. d[3] .. created .. d[4]
  return wrk.format(cfg.method, cfg.path, cfg.headers, body)
end

function response(status, headers, body)
  if status ~= cfg.status or not find(body, cfg.marker, 1, true) then
    wrong = wrong + 1
    if not first then
      first = "HTTP " .. status .. ": " .. body:sub(1, 160)
    end
  end
end

function done(summary, latency, requests)
  local bad, firstError = 0, ""
  for _, t in ipairs(threads) do
    bad = bad + (t:get("wrong") or 0)
    if firstError == "" then firstError = t:get("first") or "" end
  end
  local e = summary.errors
  io.write(string.format('FUELGATE-WRK {"duration_us":%d,"requests":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"timeouts":%d,"wrong":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"first_error":%s}\n',
    summary.duration, summary.requests, e.connect, e.read, e.write, e.timeout, bad,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), jsonString(firstError)))
end

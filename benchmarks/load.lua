-- wrk script (Debian's wrk 4.1, LuaJIT) for benchmarks/load.py.
--
-- Without KOMEK_LOAD_PLAN wrk asks for the one URL on its command line. With it (a Lua file that
-- benchmarks/load.py writes), every wrk thread holds one connection and is one person who, in a loop,
-- browses, applies, books a time at a help point or checks a status, like a browser with JavaScript off:
-- a cookie, the form token from the page, a GET after every 303. Either way done() prints one line,
-- "KOMEK-RESULT {json}", that load.py reads.

local plan_path = os.getenv("KOMEK_LOAD_PLAN")
local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("number", #threads)
end

local function to_json(value)
   if type(value) == "table" then
      local parts = {}
      if #value > 0 then
         for _, item in ipairs(value) do table.insert(parts, to_json(item)) end
         return "[" .. table.concat(parts, ",") .. "]"
      end
      for key, item in pairs(value) do table.insert(parts, to_json(tostring(key)) .. ":" .. to_json(item)) end
      return "{" .. table.concat(parts, ",") .. "}"
   elseif type(value) == "string" then
      return '"' .. value:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
   end
   return tostring(value)
end

function done(summary, latency, requests)
   local report = {
      requests = summary.requests, seconds = summary.duration / 1e6, bytes = summary.bytes,
      errors = summary.errors,
      latency_ms = {p50 = latency:percentile(50) / 1000, p95 = latency:percentile(95) / 1000,
                    p99 = latency:percentile(99) / 1000, max = latency.max / 1000, mean = latency.mean / 1000},
   }
   if plan_path then
      local counts, problems = {}, {}
      for _, thread in ipairs(threads) do
         for key, value in pairs(thread:get("counts")) do counts[key] = (counts[key] or 0) + value end
         for _, problem in ipairs(thread:get("problems")) do table.insert(problems, problem) end
      end
      report.counts, report.problems = counts, problems
   end
   io.write("KOMEK-RESULT " .. to_json(report) .. "\n")
end

if not plan_path then return end

-- ---------------------------------------------------------------------------------- one person per thread

local plan = dofile(plan_path)
counts = {requests = 0, status_2xx = 0, status_3xx = 0, status_4xx = 0, status_5xx = 0,
          pages_browsed = 0, applications = 0, bookings = 0, time_taken_meanwhile = 0, no_free_time = 0,
          status_checks = 0, finished_visits = 0, unexpected = 0}
problems = {}

local lang, address, cookie, token
local saved_cases = {}  -- {reference, secret} of what this person applied for or booked
local pending, answer   -- the request waiting for its response, and the last response
local journey

function init(args)
   math.randomseed(number * 7919)
   lang = plan.languages[number % #plan.languages + 1]
   -- Each person has an address of their own, as nginx would pass it on (KOMEK_TRUSTED_PROXIES=1).
   address = string.format("10.77.%d.%d", math.floor(number / 250), number % 250 + 1)
end

local function urlencode(text)
   return (tostring(text):gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

local function form_body(fields)
   local parts = {}
   for key, value in pairs(fields) do table.insert(parts, urlencode(key) .. "=" .. urlencode(value)) end
   return table.concat(parts, "&")
end

local function problem(text)
   counts.unexpected = counts.unexpected + 1
   if #problems < 5 then table.insert(problems, text) end
end

-- Sends one request and waits (the coroutine yields) for its response.
local function send(method, path, fields)
   -- As nginx passes a request on: the person's address, and a connection of its own (HTTP/1.0 upstream).
   local headers = {["X-Forwarded-For"] = address, ["Connection"] = "close"}
   if cookie then headers["Cookie"] = "komek_session=" .. cookie end
   local body
   if fields then
      fields.csrf_token = token
      body = form_body(fields)
      headers["Content-Type"] = "application/x-www-form-urlencoded"
   end
   local response = coroutine.yield(wrk.format(method, path, headers, body))
   local found = response.body:match('name="csrf_token"[^>]-value="([^"]+)"')
   if found then token = found end
   return response
end

local function location(response)
   return ((response.headers["Location"] or ""):gsub("^https?://[^/]+", ""))
end

local function expect(response, status, what)
   if response.status ~= status then
      problem(string.format("%s: %d instead of %d", what, response.status, status))
      return false
   end
   return true
end

local function ensure_token()
   if not (cookie and token) then send("GET", "/" .. lang .. "/") end
end

local function pick(list) return list[math.random(#list)] end

local function browse()
   send("GET", "/" .. lang .. "/")
   send("GET", "/" .. lang .. "/guides/" .. pick(plan.guides))
   send("GET", "/" .. lang .. "/search?q=" .. urlencode(pick(plan.searches[lang])))
   counts.pages_browsed = counts.pages_browsed + 3
end

local function apply()
   local start = "/" .. lang .. "/apply/" .. plan.application
   send("GET", start)
   local response = send("POST", start, {})
   if not expect(response, 303, "start " .. start) then return end
   local path = location(response)
   while not path:match("/check$") do
      send("GET", path)
      local question = path:match("([^/]+)$"):gsub("-", "_")
      local fields = {}
      for key, value in pairs(plan.answers[question] or {}) do fields[key] = value end
      response = send("POST", path, fields)
      if not expect(response, 303, "answer " .. question) then return end
      path = location(response)
   end
   send("GET", path)
   response = send("POST", path, {})
   if not expect(response, 303, "confirm") then return end
   send("GET", location(response))
   local slip = send("GET", start .. "/keep-this")
   local reference, secret = slip.body:match('class="big code">([^<]+)<.-class="big code">([^<]+)<')
   if reference then
      table.insert(saved_cases, {reference, secret})
      counts.applications = counts.applications + 1
   else
      problem("no reference and secret code on " .. start .. "/keep-this")
   end
end

local people_made_up = 0
local function next_person_number()
   people_made_up = people_made_up + 1
   return number * 100000 + people_made_up
end

local function book()
   local point = pick(plan.points)
   local base = "/" .. lang .. "/help/book/" .. point
   local days = {}
   for day in send("GET", base).body:gmatch('href="' .. base:gsub("%-", "%%-") .. '/(%d%d%d%d%-%d%d%-%d%d)"') do
      table.insert(days, day)
   end
   if #days == 0 then
      -- Every time in the next days is booked.
      counts.no_free_time = counts.no_free_time + 1
      return
   end
   local day_path = base .. "/" .. pick(days)
   local times = {}
   for time in send("GET", day_path).body:gmatch('name="time" value="([^"]+)">') do table.insert(times, time) end
   if #times == 0 then
      counts.no_free_time = counts.no_free_time + 1
      return
   end
   -- A made-up person each time: one active booking per person (name and phone) per help point.
   local response = send("POST", day_path, {time = pick(times), name = pick(plan.names),
                                            phone = string.format("+7 70%08d", next_person_number()), phone_owner = "self"})
   if response.status == 200 then
      -- Somebody else took the last place at that time while this person was choosing.
      counts.time_taken_meanwhile = counts.time_taken_meanwhile + 1
      return
   end
   if not expect(response, 303, "book " .. point) then return end
   local booked = send("GET", location(response))
   local reference, secret = booked.body:match('class="big code">([^<]+)<.-class="big code">([^<]+)<')
   if reference then table.insert(saved_cases, {reference, secret}) end
   counts.bookings = counts.bookings + 1
end

local function check_status()
   if #saved_cases == 0 then return browse() end
   local case = pick(saved_cases)
   local path = "/" .. lang .. "/status/"
   send("GET", path)
   local response = send("POST", path, {reference = case[1], secret_code = case[2]})
   if not expect(response, 303, "status check") then return end
   if expect(send("GET", location(response)), 200, "status result") then
      counts.status_checks = counts.status_checks + 1
   end
end

local function finish_and_clear()
   local response = send("POST", "/" .. lang .. "/finish", {})
   if expect(response, 303, "finish and clear") then
      send("GET", location(response))
      counts.finished_visits = counts.finished_visits + 1
   end
end

local function person()
   while true do
      ensure_token()
      local roll = math.random()
      if roll < plan.weights.browse then browse()
      elseif roll < plan.weights.browse + plan.weights.apply then apply()
      elseif roll < plan.weights.browse + plan.weights.apply + plan.weights.book then book()
      else check_status() end
      if math.random() < plan.weights.finish then finish_and_clear() end
   end
end

function request()
   if pending == nil then
      if journey == nil then journey = coroutine.create(person) end
      local ok, next_request = coroutine.resume(journey, answer)
      if not ok then error(next_request) end
      pending = next_request
   end
   return pending
end

function response(status, headers, body)
   pending = nil
   answer = {status = status, headers = headers, body = body}
   counts.requests = counts.requests + 1
   local class = "status_" .. math.floor(status / 100) .. "xx"
   counts[class] = (counts[class] or 0) + 1
   if status >= 500 then problem("server error " .. status) end
   local set = headers["Set-Cookie"]
   if set then
      local value = set:match("komek_session=([^;]*)")
      if value then
         if value == "" or set:match("[Mm]ax%-[Aa]ge=0") or set:match("1970") then cookie, token = nil, nil
         else cookie = value end
      end
   end
end

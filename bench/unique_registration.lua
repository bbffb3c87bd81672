-- wrk script: POST /v1/customers with a new email each time (a registration is a real write).
-- setup() runs in the main state and numbers the threads, so no two threads share emails.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local counter = 0
function request()
  counter = counter + 1
  local body = string.format(
    '{"email":"bench-%d-%d@example.com","password":"correct horse battery","displayName":"Bench"}',
    tid, counter)
  return wrk.format("POST", "/v1/customers", {["Content-Type"] = "application/json"}, body)
end
